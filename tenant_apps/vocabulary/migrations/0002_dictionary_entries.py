"""The dictionary's entries grow (language, transcription, examples, …) and get FSRS cards and a review log.

The old single example stays until 0003 has copied it into `examples`."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
import tenant_apps.materials.storage
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('learning', '0003_teacherprofile_levels'),
        ('scheduling', '0004_reschedule_and_calendar_feed'),
        ('vocabulary', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Card',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('direction', models.CharField(choices=[('word_meaning', 'word → meaning'), ('meaning_word', 'meaning → word'), ('character_pinyin', 'character → pinyin and tone')], max_length=20, verbose_name='direction')),
                ('state', models.PositiveSmallIntegerField(choices=[(1, 'learning'), (2, 'review'), (3, 'relearning')], default=1, verbose_name='state')),
                ('step', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('stability', models.FloatField(blank=True, null=True)),
                ('difficulty', models.FloatField(blank=True, null=True)),
                ('due', models.DateTimeField(verbose_name='due')),
                ('last_review', models.DateTimeField(blank=True, null=True, verbose_name='last review')),
            ],
            options={
                'verbose_name': 'review card',
                'verbose_name_plural': 'review cards',
            },
        ),
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rating', models.PositiveSmallIntegerField(choices=[(1, 'Again'), (2, 'Hard'), (3, 'Good'), (4, 'Easy')], verbose_name='rating')),
                ('review_datetime', models.DateTimeField(verbose_name='reviewed')),
                ('review_duration', models.PositiveIntegerField(blank=True, null=True, verbose_name='milliseconds')),
            ],
            options={
                'verbose_name': 'review',
                'verbose_name_plural': 'reviews',
                'ordering': ['review_datetime', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='word',
            name='examples',
            field=models.JSONField(blank=True, default=list, verbose_name='examples'),
        ),
        migrations.AddField(
            model_name='word',
            name='image',
            field=models.FileField(blank=True, max_length=255, storage=tenant_apps.materials.storage.private_storage, upload_to='', verbose_name='image'),
        ),
        migrations.AddField(
            model_name='word',
            name='image_type',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='word',
            name='language',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='learning.language', verbose_name='language'),
        ),
        migrations.AddField(
            model_name='word',
            name='notes',
            field=models.TextField(blank=True, verbose_name='notes'),
        ),
        migrations.AddField(
            model_name='word',
            name='part_of_speech',
            field=models.CharField(blank=True, choices=[('noun', 'noun'), ('verb', 'verb'), ('adjective', 'adjective'), ('adverb', 'adverb'), ('pronoun', 'pronoun'), ('preposition', 'preposition'), ('conjunction', 'conjunction'), ('numeral', 'numeral'), ('measure', 'measure word'), ('particle', 'particle'), ('interjection', 'interjection'), ('phrase', 'phrase')], max_length=16, verbose_name='part of speech'),
        ),
        migrations.AddField(
            model_name='word',
            name='recording',
            field=models.FileField(blank=True, max_length=255, storage=tenant_apps.materials.storage.private_storage, upload_to='', verbose_name="teacher's recording"),
        ),
        migrations.AddField(
            model_name='word',
            name='recording_type',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='word',
            name='topics',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=64), blank=True, default=list, size=None, verbose_name='topics'),
        ),
        migrations.AddField(
            model_name='word',
            name='transcription',
            field=models.CharField(blank=True, help_text='IPA for English, pinyin for Chinese.', max_length=300, verbose_name='transcription'),
        ),
        migrations.AddField(
            model_name='word',
            name='transcription_source',
            field=models.CharField(choices=[('auto', 'filled in automatically'), ('teacher', 'set by a teacher'), ('unknown', 'not in the pronunciation dictionary')], default='auto', max_length=8, verbose_name='transcription source'),
        ),
        migrations.AddField(
            model_name='word',
            name='transcription_variants',
            field=models.JSONField(blank=True, default=list, verbose_name='transcription variants'),
        ),
        migrations.AddField(
            model_name='word',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated'),
        ),
        migrations.AlterField(
            model_name='word',
            name='translation',
            field=models.CharField(blank=True, help_text='Several translations separated by semicolons.', max_length=300, verbose_name='translations'),
        ),
        migrations.AlterField(
            model_name='word',
            name='word',
            field=models.CharField(max_length=200, verbose_name='word or phrase'),
        ),
        migrations.AddIndex(
            model_name='word',
            index=django.contrib.postgres.indexes.GinIndex(fields=['topics'], name='vocabulary_word_topics_idx'),
        ),
        migrations.AddField(
            model_name='card',
            name='student',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='student'),
        ),
        migrations.AddField(
            model_name='card',
            name='word',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cards', to='vocabulary.word', verbose_name='word'),
        ),
        migrations.AddField(
            model_name='review',
            name='card',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='vocabulary.card', verbose_name='card'),
        ),
        migrations.AddField(
            model_name='review',
            name='student',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='student'),
        ),
        migrations.AddIndex(
            model_name='card',
            index=models.Index(fields=['student', 'due'], name='vocabulary_card_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='card',
            constraint=models.UniqueConstraint(fields=('word', 'direction'), name='vocabulary_card_once_per_direction'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['student', 'review_datetime'], name='vocabulary_review_student_idx'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 4)), name='vocabulary_review_rating_1_to_4'),
        ),
    ]
