"""Suite-wide settings: tests never write to the user's real cache."""

from __future__ import annotations

import os
import tempfile

# Set at import, before any test or subprocess runs: the validated-bank cache goes to a
# throwaway folder (subprocesses inherit the variable).
os.environ["DLQUIZ_CACHE_DIR"] = tempfile.mkdtemp(prefix="dlquiz-test-cache-")
