"""The HTTP service for intake systems. Build it with :func:`service.app.create_app`."""
