"""Dispatch: the city's directory of units and compounds, the places texts name, the unit an answer names.

Plain data and text search: no database here (the service keeps directory versions in its store).
"""

from .directory import COMPOUND_KINDS, UNIT_KINDS, AddressRange, Compound, Directory, Unit
from .loading import COMPOUND_COLUMNS, UNIT_COLUMNS, load_directory
from .places import PLACE_KINDS, Place, PlaceFinder
from .validate import Row, build_directory

__all__ = ["COMPOUND_COLUMNS", "COMPOUND_KINDS", "PLACE_KINDS", "UNIT_COLUMNS", "UNIT_KINDS", "AddressRange",
           "Compound", "Directory", "Place", "PlaceFinder", "Row", "Unit", "build_directory", "load_directory"]
