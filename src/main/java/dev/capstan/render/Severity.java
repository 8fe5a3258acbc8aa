package dev.capstan.render;

/** Errors stop a render (nothing is applied); warnings are reported and the render goes on. */
public enum Severity {
    ERROR, WARNING
}
