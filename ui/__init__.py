"""The Qt desk: windows, panels, item models and undo commands on top of `app/`."""
