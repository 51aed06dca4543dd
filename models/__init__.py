"""SQLModel tables. They know nothing of GraphQL: refer to them as `models.Package`."""

from models.audit import AuditEntry
from models.category import Category
from models.grid import Element, Feature, Grid, GridPackage
from models.package import Package
from models.participant import PackageParticipant, Participant
from models.timestamps import UTCDateTime, offset_minutes, with_offset
from models.token import ApiToken
from models.webhook import Webhook, WebhookDelivery

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Category",
    "Element",
    "Feature",
    "Grid",
    "GridPackage",
    "Package",
    "PackageParticipant",
    "Participant",
    "UTCDateTime",
    "Webhook",
    "WebhookDelivery",
    "offset_minutes",
    "with_offset",
]
