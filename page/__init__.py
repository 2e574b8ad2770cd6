"""The web page (`python app.py`): logins (auth), the report library it manages (library), its HTML (render),
its Gradio components and events (wiring), and static CSS/JS (static/)."""
import os

# An offline tool must not phone home; this has to be set before gradio is imported.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
