"""The wizard's screens: one module per step, plus the help, row-editor and quit modals."""
