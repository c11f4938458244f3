"""Exceptions raised by the triage library.

The hierarchy, so that callers can catch as broadly or narrowly as they need::

    TriageError
    ├── ConfigError            a data file (policy, lexicon, rules) is missing or invalid
    │   ├── PolicyError        the routing policy
    │   ├── LexiconError       a lexicon or urgency-rule file
    │   └── DirectoryError     the dispatch directory (units, compounds)
    ├── ModelError             a model folder cannot be used
    │   ├── ModelNotFoundError     no model folder, or no active version
    │   └── ModelIntegrityError    the model file does not match meta.json (tampered or corrupt)
    ├── InputError             a text or an input file cannot be read
    ├── CorpusError            a corpus file breaks the labeling contract
    ├── TransitionError        a ticket cannot take this step of its life now
    │   ├── IllegalTransition      the action is not allowed in the ticket's current state
    │   └── MissingRequirement     the action needs something not given (a unit, a reason, a measure …)
    └── MissingDependencyError an optional extra is not installed (the message names the pip line)

Library code raises these; only the command line turns them into user messages.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "CorpusError",
    "DirectoryError",
    "IllegalTransition",
    "InputError",
    "LexiconError",
    "MissingDependencyError",
    "MissingRequirement",
    "ModelError",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "PolicyError",
    "TransitionError",
    "TriageError",
]


class TriageError(Exception):
    """Base class of every error the library raises on purpose."""


class ConfigError(TriageError):
    """A data file that configures the library is missing or invalid.

    The message always names the file and, where there is one, the entry.
    """


class PolicyError(ConfigError):
    """The routing policy file is invalid."""


class LexiconError(ConfigError):
    """A lexicon, cue list or urgency-rule file is invalid."""


class DirectoryError(ConfigError):
    """The dispatch directory is invalid: each line of the message names a file (or sheet) and a row."""


class ModelError(TriageError):
    """A model folder cannot be used."""


class ModelNotFoundError(ModelError):
    """There is no model where one was expected."""


class ModelIntegrityError(ModelError):
    """A model file does not match the checksum recorded in its meta.json, or cannot be read."""


class InputError(TriageError):
    """A text, a row or an input file cannot be read."""


class CorpusError(TriageError):
    """A corpus file breaks the labeling contract."""


class TransitionError(TriageError):
    """A ticket cannot take this step of its life now."""


class IllegalTransition(TransitionError):
    """The action is not one the ticket's current state allows; ``state`` names that state."""

    def __init__(self, message: str, state: str, action: str) -> None:
        super().__init__(message)
        self.state, self.action = state, action


class MissingRequirement(TransitionError):
    """The action needs something the request did not give (``needs`` names what)."""

    def __init__(self, message: str, needs: list[str]) -> None:
        super().__init__(message)
        self.needs = needs


class MissingDependencyError(TriageError):
    """An optional extra (such as Dask) is needed but not installed; the message names the install line."""
