"""Every model module, imported so that the metadata Alembic compares against is complete."""

from partners import models as partner_models  # noqa: F401
from partners.db import Base

metadata = Base.metadata
