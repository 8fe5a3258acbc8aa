package dev.capstan.render;

/** One way of turning the files at an application path into objects (plain YAML, kustomize, Helm). */
public interface Renderer {

    /**
     * @param appPath directory inside the tree, "" for its root, already normalized
     * @throws RenderException with every problem found, each naming the file and the fix
     */
    RawRender render(FileTree tree, String appPath, RenderRequest request) throws RenderException;
}
