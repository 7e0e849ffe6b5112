from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    URL = "url", _("Address or address prefix")
    HOST = "host", _("Host and its subdomains")
    HASH = "hash", _("Image hash")


class EntrySource(models.TextChoices):
    CASE = "case", _("Closed case")
    URL_LIST = "url_list", _("Address list")
    HASH_BANK = "hash_bank", _("Hash bank")
    IMPORT = "import", _("Imported list")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Entries withdrawn")
    DISMISSED = "dismissed", _("Entries kept")
