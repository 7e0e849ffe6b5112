# Video banks (issue 21 item 1): vPDQ entries with their frames, per-bank vPDQ shares, and
# video hits explained.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('banks', '0004_bank_safety'),
    ]

    operations = [
        migrations.AlterField(
            model_name='bankentry',
            name='signal_type',
            field=models.CharField(choices=[('pdq', 'PDQ'), ('md5', 'MD5'), ('sha256', 'SHA-256'), ('vpdq', 'vPDQ')], max_length=8, verbose_name='signal type'),
        ),
        migrations.AddField(
            model_name='bankentry',
            name='vpdq',
            field=models.TextField(blank=True, verbose_name='vPDQ frames'),
        ),
        migrations.AddField(
            model_name='bankentry',
            name='vpdq_frames',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='frames'),
        ),
        migrations.AddField(
            model_name='hashbank',
            name='vpdq_query_pct',
            field=models.FloatField(blank=True, null=True, verbose_name='vPDQ: share of the query found (%)'),
        ),
        migrations.AddField(
            model_name='hashbank',
            name='vpdq_target_pct',
            field=models.FloatField(blank=True, null=True, verbose_name='vPDQ: share of the banked video found (%)'),
        ),
        migrations.AlterField(
            model_name='detectionhit',
            name='kind',
            field=models.CharField(choices=[('hash', 'Image hash'), ('url', 'Address list'), ('text', 'Text classifier'), ('video', 'Video hash')], max_length=8),
        ),
        migrations.AddField(
            model_name='detectionhit',
            name='video',
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
