# The stored search vectors cover bokmål and nynorsk (the `_nb` and `_nn` columns). PostgreSQL
# cannot change a generated column's expression, so each is dropped and added again, with its GIN
# index; the vocabulary view reads them, so it goes first and comes back last (as 0003 made it).

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
CREATE AGGREGATE portal_tsquery_or_agg(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);
"""
DROP_VOCABULARY = """
DROP AGGREGATE IF EXISTS portal_tsquery_or_agg(tsquery);
DROP MATERIALIZED VIEW IF EXISTS portal_search_vocabulary;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0009_translation_bokmal_text'),
    ]

    operations = [
        migrations.RunSQL(DROP_VOCABULARY, VOCABULARY),
        migrations.RemoveIndex(model_name='chapter', name='chapter_search'),
        migrations.RemoveField(model_name='chapter', name='search_vector'),
        migrations.RemoveField(model_name='chapter', name='search_head'),
        migrations.AddField(
            model_name='chapter',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title_nb', 'title_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('lead_nb', 'lead_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), '||', django.contrib.postgres.search.SearchVector('body_nb', 'body_nn', config='norwegian', weight='C'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='chapter',
            name='search_head',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title_nb', 'title_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('lead_nb', 'lead_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='chapter',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='chapter_search'),
        ),
        migrations.RemoveIndex(model_name='examplecase', name='examplecase_search'),
        migrations.RemoveField(model_name='examplecase', name='search_vector'),
        migrations.RemoveField(model_name='examplecase', name='search_head'),
        migrations.AddField(
            model_name='examplecase',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title_nb', 'title_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('summary_nb', 'summary_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), '||', django.contrib.postgres.search.SearchVector('body_nb', 'body_nn', 'region_nb', 'region_nn', config='norwegian', weight='C'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='examplecase',
            name='search_head',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title_nb', 'title_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('summary_nb', 'summary_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='examplecase',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='examplecase_search'),
        ),
        migrations.RemoveIndex(model_name='glossaryterm', name='glossaryterm_search'),
        migrations.RemoveField(model_name='glossaryterm', name='search_vector'),
        migrations.RemoveField(model_name='glossaryterm', name='search_head'),
        migrations.AddField(
            model_name='glossaryterm',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('term_nb', 'term_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('definition_nb', 'definition_nn', config='norwegian', weight='C'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='glossaryterm',
            name='search_head',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector('term_nb', 'term_nn', config='norwegian', weight='A'), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='glossaryterm',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='glossaryterm_search'),
        ),
        migrations.RemoveIndex(model_name='page', name='page_search'),
        migrations.RemoveField(model_name='page', name='search_vector'),
        migrations.RemoveField(model_name='page', name='search_head'),
        migrations.AddField(
            model_name='page',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title_nb', 'title_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('lead_nb', 'lead_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), '||', django.contrib.postgres.search.SearchVector('body_nb', 'body_nn', config='norwegian', weight='C'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='page',
            name='search_head',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title_nb', 'title_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('lead_nb', 'lead_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='page',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='page_search'),
        ),
        migrations.RemoveIndex(model_name='processstep', name='processstep_search'),
        migrations.RemoveField(model_name='processstep', name='search_vector'),
        migrations.RemoveField(model_name='processstep', name='search_head'),
        migrations.AddField(
            model_name='processstep',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('name_nb', 'name_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('summary_nb', 'summary_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), '||', django.contrib.postgres.search.SearchVector('body_nb', 'body_nn', 'questions_nb', 'questions_nn', 'roles_nb', 'roles_nn', 'eu_elements_nb', 'eu_elements_nn', config='norwegian', weight='C'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='processstep',
            name='search_head',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('name_nb', 'name_nn', config='norwegian', weight='A'), '||', django.contrib.postgres.search.SearchVector('summary_nb', 'summary_nn', config='norwegian', weight='B'), django.contrib.postgres.search.SearchConfig('norwegian')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='processstep',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='processstep_search'),
        ),
        migrations.RunSQL(VOCABULARY, DROP_VOCABULARY),
    ]
