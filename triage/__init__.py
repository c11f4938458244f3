"""triage: category, urgency and the responsible party for 12345 hotline complaints.

>>> from triage import Triager
>>> Triager.load(models_dir="models").triage("小区停水两天了").route
'water_utility'

Importing this package pulls in no web framework and no database driver.
"""

from .errors import (
    ConfigError,
    CorpusError,
    DirectoryError,
    InputError,
    LexiconError,
    MissingDependencyError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
    PolicyError,
    TriageError,
)
from .labels import CATEGORIES, ROUTE_NAMES, ROUTES, URGENCIES
from .text.normalize import normalize
from .text.pii import mask_pii
from .triager import Triager, TriageResult

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "ROUTES",
    "ROUTE_NAMES",
    "URGENCIES",
    "ConfigError",
    "CorpusError",
    "DirectoryError",
    "InputError",
    "LexiconError",
    "MissingDependencyError",
    "ModelError",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "PolicyError",
    "TriageError",
    "TriageResult",
    "Triager",
    "mask_pii",
    "normalize",
]
