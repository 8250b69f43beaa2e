# Fixtures shared by the vision dataset tests live in vision_datasets_helpers.py.
from vision_datasets_helpers import dead_url, http_server  # noqa: F401
