"""The live lesson (video, whiteboard, stage): built by the classroom issues."""
