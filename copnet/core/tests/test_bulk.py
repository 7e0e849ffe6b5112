import pytest

from copnet.core.bulk import update_fields
from copnet.network.models import Organisation


@pytest.mark.django_db
def test_update_fields_saves_only_the_named_fields_of_each_row(org_a, org_b):
    org_a.name_en, org_a.name_vi = "Renamed A", "Đổi tên A"
    org_b.name_en, org_b.name_vi = "Renamed B", "Đổi tên B"
    update_fields([org_a, org_b], ["name_en"])
    a, b = Organisation.objects.get(pk=org_a.pk), Organisation.objects.get(pk=org_b.pk)
    assert (a.name_en, b.name_en) == ("Renamed A", "Renamed B")
    assert "Đổi tên" not in a.name_vi
    assert "Đổi tên" not in b.name_vi


@pytest.mark.django_db
def test_update_fields_with_nothing_to_do_sends_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        update_fields([], ["name_en"])
