"""Widgets of the wizard: one module per widget."""
