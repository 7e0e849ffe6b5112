from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    STEERING_BOARD = "steering_board", _("Steering board")
    SUPPORT_TEAM = "support_team", _("Support team")
    COORDINATING_AGENCY = "coordinating_agency", _("Coordinating agency")
    STANDING_AGENCY = "standing_agency", _("Standing agency")
    MINISTRY = "ministry", _("Ministry")
    MINISTRY_DEPARTMENT = "ministry_department", _("Ministry department")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
    ASSOCIATION = "association", _("Association")
    ENTERPRISE = "enterprise", _("Enterprise or platform")
    SCHOOL = "school", _("School")
    PROVINCIAL = "provincial", _("Provincial body")
    OTHER = "other", _("Other")


class NetworkRole(models.TextChoices):
    """The part a body plays in the Network under its operating regulation."""

    STEERING_BOARD = "steering_board", _("Steering Board")
    SUPPORT_TEAM = "support_team", _("Support Team")
    COORDINATING_AGENCY = "coordinating_agency", _("Coordinating agency")
    STANDING_AGENCY = "standing_agency", _("Standing agency of the Steering Board")
    MEMBER = "member", _("Member")


NETWORK_ROLE_ORDER = [role.value for role in NetworkRole]


class ProvincialService(models.TextChoices):
    """The kinds of provincial body a routing rule can send a case to: "the unit of this kind in
    the case's province" (`Organisation.province` + `provincial_service`)."""

    POLICE_CYBER = "police_cyber", _("Provincial police cyber security and high-tech crime unit")
    EDUCATION = "education", _("Provincial department of education and training")
    HEALTH = "health", _("Provincial department of health")
