"""Where each site is: its country and region in one spelling and its coordinates, derived by
the store (``trials.places.site_place``), with the earthdistance index the distance search uses.

Sites written before this migration are placed here, once per distinct place rather than per
site; the few studies whose country spelling changes get their search rows rebuilt, so that the
country facet counts one spelling.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models
from django.db.models.functions import Upper

# trials.search.query.near_sites's expression, written out as a migration must be: change one
# and the other, or the planner no longer uses the index.
# The included columns let a place search read the index alone (an index-only scan): the sites
# near a city lie on as many table pages as there are sites, so reading the table costs 4 times
# as much (24 against 90 ms for 50 miles around Columbus, Ohio, at 50,000 studies).
INDEX = """
CREATE INDEX site_place_earth_idx ON trials_site USING gist (
    ll_to_earth(place_latitude, place_longitude)
) INCLUDE (study_id, status, place_latitude, place_longitude) WHERE place_latitude IS NOT NULL
"""
PLACES = """
SELECT DISTINCT city, state, zip, country, latitude, longitude FROM trials_site
"""
UPDATE = """
UPDATE trials_site s SET place_country = p.country, place_region = p.region,
    place_latitude = p.latitude, place_longitude = p.longitude, place_source = p.source
FROM placed p
WHERE (s.city, s.state, s.zip, s.country) = (p.s_city, p.s_state, p.s_zip, p.s_country)
    AND s.latitude IS NOT DISTINCT FROM p.s_latitude
    AND s.longitude IS NOT DISTINCT FROM p.s_longitude
"""


def place_sites(apps, schema_editor):
    from trials.places import site_place

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(PLACES)
        rows = []
        for city, state, zip_code, country, latitude, longitude in cursor.fetchall():
            place = site_place(city, state, zip_code, country, latitude, longitude)
            rows.append(
                (
                    city,
                    state,
                    zip_code,
                    country,
                    latitude,
                    longitude,
                    place.country,
                    place.region,
                    place.latitude,
                    place.longitude,
                    place.source,
                )
            )
        if not rows:
            return
        cursor.execute(
            "CREATE TEMPORARY TABLE placed (s_city text, s_state text, s_zip text,"
            " s_country text, s_latitude float8, s_longitude float8, country text, region text,"
            " latitude float8, longitude float8, source text) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY placed FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(UPDATE)
        cursor.execute("SELECT DISTINCT study_id FROM trials_site WHERE place_country <> country")
        respelled = [row[0] for row in cursor.fetchall()]
    if respelled:
        from trials.search import refresh_search_many

        refresh_search_many(respelled)


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0020_honest_status"),
    ]

    operations = [
        CreateExtension("cube"),
        CreateExtension("earthdistance"),
        migrations.AddField(
            model_name="site",
            name="place_country",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="site",
            name="place_latitude",
            field=models.FloatField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="site",
            name="place_longitude",
            field=models.FloatField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="site",
            name="place_region",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="site",
            name="place_source",
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.AddIndex(
            model_name="site",
            index=models.Index(fields=["place_country"], name="site_place_country_idx"),
        ),
        migrations.AddIndex(
            model_name="site",
            index=models.Index(Upper("place_region"), name="site_place_region_idx"),
        ),
        migrations.AddIndex(
            model_name="site",
            index=models.Index(Upper("city"), name="site_city_idx"),
        ),
        migrations.RunPython(place_sites, migrations.RunPython.noop, elidable=True),
        migrations.RunSQL(INDEX, "DROP INDEX site_place_earth_idx"),
    ]
