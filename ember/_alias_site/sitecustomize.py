"""Loaded by child processes of ``python -m ember run`` (their PYTHONPATH starts here), so that
``import torch`` maps onto ember in DataLoader workers and other subprocesses too."""
import os

if os.environ.get("EMBER_TORCH_ALIAS") == "1":
    try:
        import ember.compat
        ember.compat.install()
    except Exception as exc:  # noqa: BLE001 - never break interpreter start-up
        import sys
        print(f"ember: could not install the torch alias in a child process: {exc}",
              file=sys.stderr)
