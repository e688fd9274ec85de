# The manual's parts of a step (method, who takes part, duration, outcome, checklists) become
# searchable. PostgreSQL cannot change a generated column's expression, and the vocabulary view
# reads the column, so the view goes first and comes back last, as in 0010.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

VOCABULARY = """
CREATE MATERIALIZED VIEW portal_search_vocabulary AS
SELECT word, ndoc FROM ts_stat($$
    SELECT search_vector FROM portal_chapter WHERE status = 'published'
    UNION ALL SELECT search_vector FROM portal_processstep WHERE status = 'published'
    UNION ALL SELECT search_vector FROM portal_examplecase WHERE status = 'published'
    UNION ALL SELECT search_vector FROM portal_glossaryterm WHERE status = 'published'
    UNION ALL SELECT search_vector FROM portal_page WHERE status = 'published'
$$)
WHERE length(word) >= 3 AND word !~ '^[0-9]+$';
CREATE UNIQUE INDEX portal_search_vocabulary_word ON portal_search_vocabulary (word);
CREATE INDEX portal_search_vocabulary_trgm
    ON portal_search_vocabulary USING gin (word gin_trgm_ops);
"""
DROP_VOCABULARY = "DROP MATERIALIZED VIEW IF EXISTS portal_search_vocabulary;"


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0017_workspace'),
    ]

    operations = [
        migrations.RunSQL(DROP_VOCABULARY, VOCABULARY),
        migrations.RemoveIndex(model_name='processstep', name='processstep_search'),
        migrations.RemoveField(model_name='processstep', name='search_vector'),
        migrations.AddField(
            model_name='processstep',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('name_nb', 'name_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('summary_nb', 'summary_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), '||', django.contrib.postgres.search.SearchVector('body_nb', 'body_nn', 'questions_nb', 'questions_nn', 'roles_nb', 'roles_nn', 'eu_elements_nb', 'eu_elements_nn', 'method_nb', 'method_nn', 'participants_nb', 'participants_nn', 'duration_nb', 'duration_nn', 'outcome_nb', 'outcome_nn', 'checklist_before_nb', 'checklist_before_nn', 'checklist_done_nb', 'checklist_done_nn', config='norwegian', weight='C'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='processstep',
            index=django.contrib.postgres.indexes.GinIndex(
                fields=['search_vector'], name='processstep_search'
            ),
        ),
        migrations.RunSQL(VOCABULARY, DROP_VOCABULARY),
    ]
