"""Local stand-ins for services outside the machine, over real HTTP."""
