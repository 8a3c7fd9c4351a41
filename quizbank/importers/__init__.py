"""Importers from other quiz formats into bank YAML (so far: GIFT, :mod:`.gift`)."""
