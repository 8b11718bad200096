"""The demo's own stories beside the seed: every section has some, some pictured.

Written for the demo (the seed is the old site's Innovation archive, loaded as it
was). The Innovation stories here are older than the seed's, so the Innovation
archive's first page is still the seed, and its second page holds these. Chinese
stories are in both scripts, and two stories are linked translations of English
ones (``translation_of``: the original's slug, listed before it). Each
``picture`` is drawn at load time by ``articles.demo.pictures`` in the colour of
the story's first category; ``alt`` describes it.
"""

# The demo's second byline.
AUTHOR = {
    "slug": "wong-ka-yan",
    "name": "Wong Ka-yan",
    "name_zh": "黃嘉欣",
    "bio": (
        "Covers markets, fintech and city policy across Hong Kong, Macau and "
        "Guangdong, from Hong Kong."
    ),
}

# A colour per category, for the pictures.
COLOURS = {
    "innovation": "#0a4f8c",
    "policy": "#a3161a",
    "startups": "#1f7a4d",
    "finance": "#9a6a00",
    "cities": "#5b3b8c",
}

STORIES = [
    {
        "slug": "wealth-management-connect-announced",
        "title": "Wealth Management Connect to link bay-area savers and funds",
        "lead": (
            "Regulators in Beijing, Hong Kong and Macau have agreed to let residents "
            "of the Greater Bay Area buy investment products sold on the other side "
            "of the border, through banks in the region.\n\n"
            "The scheme adds individual investors to the stock and bond connects, "
            "which so far have served mostly institutions."
        ),
        "published_at": "2020-07-17T09:30",
        "categories": ["finance", "policy"],
        "tags": ["Hong Kong", "Macau", "wealth management", "fintech"],
        "picture": "chart",
        "alt": "Illustration: rising bars and a trend line on a golden background",
        "link": {"url": "https://www.caixinglobal.com/", "source": "caixin"},
    },
    {
        "slug": "shenzhen-widens-digital-yuan-trial",
        "title": "深圳扩大数字人民币试点范围",
        "lead": (
            "深圳在罗湖区完成首轮数字人民币红包测试后，计划把试点扩展到更多商户和"
            "公共服务场景。\n\n参与试点的银行表示，用户可以在手机钱包中领取并使用"
            "数字人民币，无需绑定银行卡。"
        ),
        "published_at": "2020-07-15T11:00",
        "language": "zh-hans",
        "categories": ["finance", "cities"],
        "tags": ["深圳", "数字人民币", "fintech"],
        "picture": "circuit",
        "alt": "插图：金色背景上的电路线条与节点",
        "link": {"url": "https://www.chinanews.com.cn/", "source": "china-news"},
    },
    {
        "slug": "hong-kong-science-park-opens-robotics-hub",
        "title": "Hong Kong Science Park opens a shared robotics lab",
        "lead": (
            "Startups at the Hong Kong Science Park can now book time on industrial "
            "arms, test rigs and a small production line, instead of buying their "
            "own before they have customers.\n\n"
            "The lab is aimed at hardware founders who would otherwise move "
            "prototyping across the border to Shenzhen."
        ),
        "published_at": "2020-07-13T10:00",
        "categories": ["startups"],
        "tags": ["Hong Kong", "robotics", "incubators"],
        "picture": "orbits",
        "alt": "Illustration: green concentric rings around a bright centre",
        "body": (
            "<p>The lab offers industrial robot arms, environmental test chambers and "
            "a short production line that startups can book by the day.</p>"
            "<h2>Why it matters</h2>"
            "<p>Hardware founders in Hong Kong have long done their prototyping in "
            "Shenzhen, where parts and workshops are close at hand. A shared lab "
            "keeps the early work, and the engineers, in the park.</p>"
        ),
    },
    {
        "slug": "guangzhou-metro-extends-to-nansha",
        "title": "Guangzhou metro line brings Nansha within an hour of downtown",
        "lead": (
            "A new metro extension links the Nansha free trade zone with central "
            "Guangzhou, cutting a trip that took up to two hours by bus.\n\n"
            "City planners expect the line to draw research centres and their staff "
            "to the district's new science city."
        ),
        "published_at": "2020-07-10T08:00",
        "categories": ["cities"],
        "tags": ["Guangzhou", "Nansha", "transport"],
        "picture": "skyline",
        "alt": "Illustration: a purple city skyline with lit windows",
    },
    {
        "slug": "macau-courts-tech-firms-in-hengqin",
        "title": "Macau courts tech firms for its Hengqin cooperation zone",
        "lead": (
            "Macau is offering office space and simplified licensing to technology "
            "companies that set up on Hengqin island, across the border in Zhuhai.\n\n"
            "The city wants to diversify an economy that still leans heavily on "
            "casinos and tourism."
        ),
        "published_at": "2020-07-08T10:00",
        "categories": ["policy", "cities"],
        "tags": ["Macau", "Zhuhai", "Hengqin"],
    },
    {
        "slug": "chinext-registration-reform-draws-shenzhen-startups",
        "title": "ChiNext listing reform draws a queue of Shenzhen startups",
        "lead": (
            "Shenzhen's ChiNext board is moving to registration-based listings, "
            "under which regulators check disclosure rather than judge a company's "
            "prospects.\n\n"
            "Dozens of young technology companies have filed applications since the "
            "rules were announced."
        ),
        "published_at": "2020-07-06T09:00",
        "categories": ["startups", "finance"],
        "tags": ["Shenzhen", "ChiNext", "IPO"],
        "picture": "chart",
        "alt": "Illustration: green bars rising from left to right",
        "link": {"url": "https://www.caixinglobal.com/", "source": "caixin"},
    },
    {
        "slug": "guangdong-plans-5g-base-stations",
        "title": "Guangdong sets out its 5G roll-out for the bay's nine cities",
        "lead": (
            "The provincial government has published a plan to cover the urban areas "
            "of the Pearl River Delta cities with 5G by the end of next year.\n\n"
            "Operators are asked to share towers and sites to keep costs down."
        ),
        "published_at": "2020-07-03T10:00",
        "categories": ["policy"],
        "tags": ["Guangdong", "5G", "telecoms"],
        "picture": "waves",
        "alt": "Illustration: red waves across a dark red background",
    },
    {
        "slug": "dongguan-songshan-lake-drone-incubator",
        "title": "Songshan Lake incubator bets on drone makers",
        "lead": (
            "An incubator at Dongguan's Songshan Lake science park is offering flight "
            "test space and supplier introductions to drone startups.\n\n"
            "Several of its first tenants were founded by engineers from larger "
            "drone companies in Shenzhen."
        ),
        "published_at": "2020-07-01T09:00",
        "categories": ["startups"],
        "tags": ["Dongguan", "drones", "incubators"],
    },
    {
        "slug": "hong-kong-virtual-banks-go-live",
        "title": "Hong Kong's first virtual banks open to customers",
        "lead": (
            "The first of Hong Kong's licensed virtual banks have opened their apps "
            "to the public, offering accounts with no minimum balance.\n\n"
            "Traditional lenders have answered by cutting fees on their own "
            "accounts."
        ),
        "published_at": "2020-06-29T10:00",
        "categories": ["finance"],
        "tags": ["Hong Kong", "virtual banks", "fintech"],
    },
    {
        "slug": "zhuhai-hong-kong-macao-bridge-traffic-recovers",
        "title": "Traffic on the Hong Kong-Zhuhai-Macao Bridge starts to recover",
        "lead": (
            "Goods vehicles are back on the bridge in growing numbers as border "
            "controls ease for cargo, though passenger traffic remains low.\n\n"
            "Logistics firms say the crossing saves hours on deliveries between the "
            "west bank of the Pearl River and Hong Kong's airport."
        ),
        "published_at": "2020-06-24T09:00",
        "categories": ["cities"],
        "tags": ["Zhuhai", "Hong Kong", "Macau", "logistics"],
    },
    {
        "slug": "gba-talent-tax-subsidy-extended",
        "title": "Tax subsidy for overseas talent in the bay area is extended",
        "lead": (
            "Guangdong will keep refunding the difference between mainland and Hong "
            "Kong income tax rates for eligible overseas and Hong Kong professionals "
            "working in the bay's nine mainland cities.\n\n"
            "Employers say the subsidy has made recruiting researchers easier."
        ),
        "published_at": "2020-06-19T10:00",
        "categories": ["policy"],
        "tags": ["Guangdong", "talent", "tax"],
    },
    {
        "slug": "shenzhen-startup-builds-battery-swapping-stations",
        "title": "Shenzhen startup builds battery-swapping stations for e-scooters",
        "lead": (
            "Delivery riders in Shenzhen can swap a flat scooter battery for a "
            "charged one in under a minute at stations run by a local startup.\n\n"
            "The company is raising money to expand to Guangzhou and Dongguan."
        ),
        "published_at": "2020-06-17T09:00",
        "categories": ["startups"],
        "tags": ["Shenzhen", "batteries", "electric vehicles"],
    },
    {
        "slug": "hong-kong-smart-city-blueprint-update",
        "title": "Hong Kong updates its smart city blueprint",
        "lead": (
            "Hong Kong's government has added more than a hundred initiatives to its "
            "smart city plan, from contactless payments on public transport to a "
            "digital identity for residents.\n\n"
            "Critics say earlier projects have been slow to reach the public."
        ),
        "published_at": "2020-06-15T10:00",
        "categories": ["cities", "policy"],
        "tags": ["Hong Kong", "smart city"],
    },
    {
        "slug": "foshan-factories-turn-to-industrial-internet",
        "title": "Foshan factories turn to the industrial internet",
        "lead": (
            "Furniture and appliance makers in Foshan are connecting machines to "
            "cloud platforms to track output and cut downtime.\n\n"
            "The city subsidises part of the cost for small manufacturers that join."
        ),
        "published_at": "2020-03-27T10:00",
        "categories": ["innovation"],
        "tags": ["Foshan", "manufacturing", "industrial internet"],
        "picture": "circuit",
        "alt": "Illustration: blue circuit lines and nodes",
    },
    {
        "slug": "guangzhou-lab-sequences-virus-samples",
        "title": "广州实验室加快病毒样本测序",
        "lead": (
            "广州一家生物实验室利用高通量测序设备，把样本测序时间缩短到一天以内。"
            "\n\n研究人员表示，这些数据将与大湾区其他城市的科研机构共享。"
        ),
        "published_at": "2020-03-13T10:00",
        "language": "zh-hans",
        "categories": ["innovation"],
        "tags": ["广州", "生物科技", "research"],
    },
    {
        "slug": "hong-kong-virtual-banks-go-live-hant",
        "title": "香港首批虛擬銀行開業",
        "lead": (
            "香港首批獲發牌的虛擬銀行已向公眾開放手機應用程式，開戶不設最低結餘"
            "要求。\n\n傳統銀行亦以減低戶口收費回應。"
        ),
        "published_at": "2020-06-29T15:00",
        "language": "zh-hant",
        "categories": ["finance"],
        "tags": ["香港", "虛擬銀行", "fintech"],
        "translation_of": "hong-kong-virtual-banks-go-live",
    },
    {
        "slug": "shenzhen-startup-builds-battery-swapping-stations-hans",
        "title": "深圳初创企业为电动车建设换电站",
        "lead": (
            "深圳的外卖骑手可以在一家本地初创企业运营的换电站，用不到一分钟把没电的"
            "电池换成充满电的电池。\n\n这家公司正在融资，计划把业务扩展到广州和东莞。"
        ),
        "body": ("<p>骑手通过手机软件查看附近换电站的信息，扫码即可取用电池。</p>"),
        "published_at": "2020-06-17T15:00",
        "language": "zh-hans",
        "categories": ["startups"],
        "tags": ["深圳", "电池", "electric vehicles"],
        "translation_of": "shenzhen-startup-builds-battery-swapping-stations",
    },
]
