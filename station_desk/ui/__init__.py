"""The Qt desktop interface: main window, pages, dialogs, table models and background workers."""
