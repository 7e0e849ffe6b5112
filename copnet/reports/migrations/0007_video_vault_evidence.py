# Video evidence (issue 21 item 1): the kind, the length and the vPDQ frame hashes.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_exchange_out_share_consent'),
    ]

    operations = [
        migrations.AlterField(
            model_name='evidence',
            name='kind',
            field=models.CharField(choices=[('image', 'Image'), ('text', 'Text excerpt'), ('video', 'Video')], max_length=8, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='duration',
            field=models.FloatField(blank=True, null=True, verbose_name='duration (seconds)'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='vpdq',
            field=models.TextField(blank=True, verbose_name='vPDQ frame hashes'),
        ),
    ]
