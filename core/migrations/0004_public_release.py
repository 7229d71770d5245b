from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_data_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicRelease',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=50)),
                ('data_version', models.CharField(help_text='SHA-256 of the records and region it was built from.', max_length=64)),
                ('rule', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('manifest', models.JSONField(default=dict)),
                ('cells', models.JSONField(default=list, help_text='[measure, breakdown, category, period, area, count or null]')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('source', 'data_version', 'rule'), name='one_release_per_version')],
            },
        ),
    ]
