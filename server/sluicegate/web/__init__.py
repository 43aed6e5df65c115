"""The FastAPI app: routes per resource, the websocket endpoint, error translation."""
