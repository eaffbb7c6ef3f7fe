"""Every model module, imported so that the metadata Alembic compares against is complete (each
kind's grant table is declared beside its kind, in the area's ``sharing`` module)."""

from documents import models as document_models  # noqa: F401
from documents import sharing as document_grants  # noqa: F401
from integrations.edi_exchange import models as edi_models  # noqa: F401
from integrations.inbound import models as inbound_models  # noqa: F401
from partners import consumers as consumer_models  # noqa: F401
from partners import events as event_models  # noqa: F401
from partners import jobs as job_models  # noqa: F401
from partners import models as partner_models  # noqa: F401
from partners.db import Base
from partners.sharing import models as sharing_models  # noqa: F401
from portal.campaigns import models as campaign_models  # noqa: F401
from portal.campaigns import sharing as campaign_grants  # noqa: F401
from portal.cases import models as case_models  # noqa: F401
from portal.cases import sharing as case_grants  # noqa: F401
from portal.deals import models as deal_models  # noqa: F401
from portal.deals import sharing as deal_grants  # noqa: F401
from portal.funds import models as fund_models  # noqa: F401
from portal.funds import sharing as fund_grants  # noqa: F401
from portal.knowledge import models as knowledge_models  # noqa: F401
from portal.knowledge import sharing as knowledge_grants  # noqa: F401
from portal.leads import models as lead_models  # noqa: F401
from portal.leads import sharing as lead_grants  # noqa: F401
from portal.orders import models as order_models  # noqa: F401
from portal.saved import models as saved_view_models  # noqa: F401

metadata = Base.metadata
