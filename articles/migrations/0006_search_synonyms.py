from django.db import migrations, models

from articles.roles import sync_role_groups

# Greater Bay Area places and institutions, in English and Chinese (both scripts
# where they differ). Editors extend the list in the admin.
GROUPS = {
    "Greater Bay Area": ["Greater Bay Area", "GBA", "大湾区", "大灣區", "粤港澳大湾区", "粵港澳大灣區"],
    "Shenzhen": ["Shenzhen", "深圳"],
    "Hong Kong": ["Hong Kong", "香港"],
    "Macau": ["Macau", "Macao", "澳门", "澳門"],
    "Guangzhou": ["Guangzhou", "Canton", "广州", "廣州"],
    "Qianhai": ["Qianhai", "前海"],
    "Zhuhai": ["Zhuhai", "珠海"],
    "Foshan": ["Foshan", "佛山"],
    "Dongguan": ["Dongguan", "东莞", "東莞"],
    "Huizhou": ["Huizhou", "惠州"],
    "Zhongshan": ["Zhongshan", "中山"],
    "Jiangmen": ["Jiangmen", "江门", "江門"],
    "Zhaoqing": ["Zhaoqing", "肇庆", "肇慶"],
    "Nansha": ["Nansha", "南沙"],
    "Hengqin": ["Hengqin", "横琴", "橫琴"],
    "HKUST": [
        "HKUST",
        "Hong Kong University of Science and Technology",
        "香港科技大学",
        "香港科技大學",
        "港科大",
    ],
    "Shenzhen Stock Exchange": [
        "Shenzhen Stock Exchange",
        "SZSE",
        "深圳证券交易所",
        "深圳證券交易所",
        "深交所",
    ],
    "HKEX": ["HKEX", "Hong Kong Exchanges and Clearing", "香港交易所", "港交所"],
    "Tencent": ["Tencent", "腾讯", "騰訊"],
    "Huawei": ["Huawei", "华为", "華為"],
    "BYD": ["BYD", "比亚迪", "比亞迪"],
    "DJI": ["DJI", "大疆"],
}


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("articles", "SearchSynonym")
    for name, terms in GROUPS.items():
        SearchSynonym.objects.get_or_create(
            name=name, defaults={"terms": "\n".join(terms)}
        )


def unseed(apps, schema_editor):
    apps.get_model("articles", "SearchSynonym").objects.filter(
        name__in=list(GROUPS)
    ).delete()


class Migration(migrations.Migration):

    """Search synonyms (深圳 ↔ Shenzhen), seeded with the Greater Bay Area's names;
    editors may change them."""

    dependencies = [
        ('articles', '0005_authors'),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('terms', models.TextField(help_text='One name a line, e.g. Shenzhen, 深圳. Traditional and Simplified characters match each other anyway; case does not matter.')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'search synonym group',
                'ordering': ['name'],
            },
        ),
        migrations.RunPython(seed, unseed),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
