"""The core of ircli: input, validation, the service layer and formats. Nothing here imports typer or
rich, and nothing here prints."""
