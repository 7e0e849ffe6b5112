"""Coarse rollup grains (all provinces/platforms; by province; by platform), derived from the
detail rows, so that unfiltered dashboards read far fewer rows. Existing detail rows are summed
into the new grains here, so no full rebuild is needed after upgrading."""

from django.db import migrations, models

KEYS = ("period", "subject", "dim", "value", "org_id", "org_role", "category_id")
MEASURES = (
    "n", "repeat", "ack_met", "ack_missed", "action_met", "action_missed", "close_met",
    "close_missed",
)  # fmt: skip
COARSE = [("D", "d", ""), ("M", "m", ""), ("P", "m", "province"), ("F", "m", "platform")]


def derive(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote("stats_rollup")
    keys = ", ".join(quote(c) for c in KEYS)
    measures = ", ".join(quote(m) for m in MEASURES)
    sums = ", ".join(f"SUM({quote(m)})" for m in MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE grain IN ('D', 'M', 'P', 'F')")  # noqa: S608
        for grain, source, kept in COARSE:
            province = quote("province") if kept == "province" else "''"
            platform = quote("platform") if kept == "platform" else "''"
            group = keys + (f", {quote(kept)}" if kept else "")
            only_base = f" AND {quote('dim')} = ''" if kept else ""
            cursor.execute(
                f"INSERT INTO {table} (grain, {keys}, province, platform, {measures}) "  # noqa: S608
                f"SELECT %s, {keys}, {province}, {platform}, {sums} FROM {table} "
                f"WHERE grain = %s{only_base} GROUP BY {group}",
                [grain, source],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rollup",
            name="grain",
            field=models.CharField(
                choices=[
                    ("d", "Day"),
                    ("m", "Month"),
                    ("D", "Day, all provinces and platforms"),
                    ("M", "Month, all provinces and platforms"),
                    ("P", "Month by province, all platforms"),
                    ("F", "Month by platform, all provinces"),
                ],
                max_length=1,
            ),
        ),
        migrations.RunPython(derive, migrations.RunPython.noop),
    ]
