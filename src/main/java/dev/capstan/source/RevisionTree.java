package dev.capstan.source;

import dev.capstan.render.FileTree;

/** The files of an application's repository at one revision: what the engine renders. */
public interface RevisionTree extends FileTree {

    Revision revision();

    /**
     * The id of the tree at {@code path} (Git's hash of everything below it), when the
     * tree knows one: equal ids mean identical files, whatever else the commit changed.
     */
    default java.util.Optional<String> treeId(String path) {
        return java.util.Optional.empty();
    }
}
