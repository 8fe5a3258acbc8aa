package dev.capstan.source;

import dev.capstan.render.FileTree;

/** The files of an application's repository at one revision: what the engine renders. */
public interface RevisionTree extends FileTree {

    Revision revision();
}
