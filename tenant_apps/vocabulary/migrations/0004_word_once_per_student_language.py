"""After 0003 merged duplicates and set every language: the language is required, the old example column
goes, and a word is once per student and language."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vocabulary', '0003_migrate_existing_words'),
    ]

    operations = [
        migrations.AlterField(
            model_name='word',
            name='language',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='learning.language', verbose_name='language'),
        ),
        migrations.RemoveField(
            model_name='word',
            name='example',
        ),
        migrations.AddConstraint(
            model_name='word',
            constraint=models.UniqueConstraint(models.F('student'), models.F('language'), django.db.models.functions.text.Lower('word'), name='vocabulary_word_once_per_student_language', violation_error_message='This word is already in the dictionary.'),
        ),
    ]
