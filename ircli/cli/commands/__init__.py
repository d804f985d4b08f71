"""The commands: thin layers that parse options, build requests, call the service layer and render."""
