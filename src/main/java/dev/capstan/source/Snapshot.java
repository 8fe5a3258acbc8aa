package dev.capstan.source;

import dev.capstan.render.FileTree;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The files of one commit, read straight from Git's object store: no working tree is
 * checked out, so nothing on disk can drift from the commit and no checkout cost is paid.
 */
public final class Snapshot implements RevisionTree {

    private final Repository repo;
    private final RevTree tree;
    private final Revision revision;
    private final String source;

    Snapshot(Repository repo, RevTree tree, Revision revision, String source) {
        this.repo = repo;
        this.tree = tree;
        this.revision = revision;
        this.source = source;
    }

    @Override
    public Revision revision() {
        return revision;
    }

    @Override
    public List<TreeEntry> walk(String dir) throws IOException {
        List<TreeEntry> entries = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            ObjectId start = dir.isEmpty() ? tree : subtree(reader, dir);
            try (TreeWalk walk = new TreeWalk(reader)) {
                walk.addTree(start);
                walk.setRecursive(true);
                String prefix = dir.isEmpty() ? "" : dir + "/";
                while (walk.next()) {
                    String path = prefix + walk.getPathString();
                    FileMode mode = walk.getFileMode(0);
                    ObjectId id = walk.getObjectId(0);
                    if (mode == FileMode.SYMLINK) {
                        String target = new String(reader.open(id).getBytes(), StandardCharsets.UTF_8);
                        entries.add(new TreeEntry(path, TreeEntry.Type.SYMLINK, target.length(), target));
                    } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                        entries.add(new TreeEntry(path, TreeEntry.Type.FILE, reader.getObjectSize(id, org.eclipse.jgit.lib.Constants.OBJ_BLOB), null));
                    } else {
                        entries.add(new TreeEntry(path, TreeEntry.Type.OTHER, 0, null));
                    }
                }
            }
        }
        return entries;
    }

    private ObjectId subtree(ObjectReader reader, String dir) throws IOException {
        try (TreeWalk walk = TreeWalk.forPath(reader, dir, tree)) {
            if (walk == null || walk.getFileMode(0) != FileMode.TREE) {
                throw new FileNotFoundException(dir);
            }
            return walk.getObjectId(0);
        }
    }

    @Override
    public Optional<String> treeId(String path) {
        if (path.isEmpty()) {
            return Optional.of(tree.name());
        }
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
            return walk != null && walk.getFileMode(0) == FileMode.TREE ? Optional.of(walk.getObjectId(0).name()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public byte[] read(String path) throws IOException {
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
            if (walk == null) {
                throw new FileNotFoundException(path);
            }
            return reader.open(walk.getObjectId(0)).getBytes(Integer.MAX_VALUE - 8);
        }
    }

    @Override
    public Optional<TreeEntry> entry(String path) throws IOException {
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
            if (walk == null) {
                return Optional.empty();
            }
            FileMode mode = walk.getFileMode(0);
            ObjectId id = walk.getObjectId(0);
            if (mode == FileMode.SYMLINK) {
                String target = new String(reader.open(id).getBytes(), StandardCharsets.UTF_8);
                return Optional.of(new TreeEntry(path, TreeEntry.Type.SYMLINK, target.length(), target));
            }
            if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                return Optional.of(new TreeEntry(path, TreeEntry.Type.FILE,
                        reader.getObjectSize(id, org.eclipse.jgit.lib.Constants.OBJ_BLOB), null));
            }
            return mode == FileMode.TREE ? Optional.empty() : Optional.of(new TreeEntry(path, TreeEntry.Type.OTHER, 0, null));
        }
    }

    @Override
    public Optional<String> commit() {
        return Optional.of(revision.sha());
    }

    @Override
    public String describe() {
        return source + "@" + revision.shortSha();
    }
}
