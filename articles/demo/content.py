"""Demo content beside the seed text: languages, categories, sources and per-post details.

The seed gives titles, leads and how each post ends; the details below add what the
old archive page did not show (dates, tags, link targets) and, for the posts the old
site continued on its own pages, a body written from the facts in the seed.
Link targets are the publications' home pages: the seed does not carry article URLs.
"""

LANGUAGES = [
    {"code": "en", "name": "English", "native_name": "English"},
    {"code": "zh-hans", "name": "Chinese", "native_name": "简体中文"},
    {"code": "zh-hant", "name": "Traditional Chinese", "native_name": "繁體中文"},
]

CATEGORIES = [
    {
        "slug": "innovation",
        "name": "Innovation",
        "position": 0,
        "description": "Research, technology and the new industries of the Greater Bay Area.",
    },
    {
        "slug": "policy",
        "name": "Policy",
        "position": 1,
        "description": "Plans and rules from Beijing, Guangdong and the bay's city governments.",
    },
    {
        "slug": "startups",
        "name": "Startups",
        "position": 2,
        "description": "Founders, incubators and venture capital across the region.",
    },
    {
        "slug": "finance",
        "name": "Finance",
        "position": 3,
        "description": "Markets, banking and fintech in Hong Kong, Shenzhen and Macau.",
    },
    {
        "slug": "cities",
        "name": "Cities",
        "position": 4,
        "description": "Shenzhen, Guangzhou, Hong Kong, Macau and the bay's other cities.",
    },
]

SOURCES = [
    {
        "slug": "caixin",
        "name": "Caixin",
        "homepage": "https://www.caixinglobal.com/",
        "language": "en",
    },
    {
        "slug": "china-news",
        "name": "China News",
        "homepage": "https://www.chinanews.com.cn/",
        "language": "zh-hans",
    },
]

# The demo posts' byline.
AUTHOR = {
    "slug": "lin-mei",
    "name": "Lin Mei",
    "name_zh": "林美",
    "bio": (
        "Staff writer covering software, hardware and the companies of the "
        "Greater Bay Area, from Shenzhen."
    ),
}

# One entry per seed post, in the seed's order (newest first).
POSTS = [
    {
        "slug": "guangdong-2nd-in-software-output",
        "published_at": "2020-06-12T10:00",
        "tags": ["Guangdong", "software"],
        "link": {"url": "https://www.caixinglobal.com/", "source": "caixin"},
    },
    {
        "slug": "gba-startup-communities-an-explainer",
        "published_at": "2020-06-05T10:00",
        "tags": ["startups", "incubators"],
        "body": (
            "<h2>Incubators and accelerators</h2>"
            "<p>In the Western script, incubators are companies staffed by experienced "
            "investors and executives. They help startups with professional training, "
            "working space and venture capital. Accelerators do much the same job, but "
            "concentrate on scaling up business models that already work.</p>"
            "<h2>How China differs</h2>"
            "<p>In China the central and local governments dominate the field. Startup "
            "support services exist largely to carry out the economic development agenda "
            "set by the Party, and the lines between incubators, accelerators and "
            "scientific laboratories are often blurred.</p>"
            "<p>That is the background against which the masterplan for the nine "
            "Guangdong cities, Hong Kong and Macau is turning the bay into one "
            "technology hub, with new programmes competing for a foothold in what is "
            "billed as China’s Silicon Valley.</p>"
        ),
    },
    {
        "slug": "ai-robot-has-ip-rights-says-shenzhen-court",
        "published_at": "2020-05-29T10:00",
        "tags": ["AI", "Tencent", "Shenzhen", "copyright"],
        "body": (
            "<h2>The case</h2>"
            "<p>Dreamwriter, the news-writing program of Shenzhen-based Tencent, "
            "produced a commentary on a day’s trading at the Shanghai Stock Exchange "
            "in August 2018. It ran in the stock section of Tencent’s news portal.</p>"
            "<p>A Chinese website specialising in online lending copied the article. "
            "The court found for Tencent, making this the first case of its kind in "
            "China in which the copyright of a non-human author was defended.</p>"
            "<h2>What is not known</h2>"
            "<p>Local media reported the verdict without giving an exact date for it.</p>"
        ),
    },
    {
        "slug": "shenzhen-adopts-blockchain-based-ids",
        "published_at": "2020-05-22T10:00",
        "tags": ["Shenzhen", "blockchain", "digital ID"],
        "link": {"url": "https://www.sz.gov.cn/", "language": "zh-hans"},
    },
    {
        "slug": "gbas-big-3-designated-top-creative-cities",
        "published_at": "2020-05-15T10:00",
        "tags": ["Shenzhen", "Hong Kong", "Guangzhou", "creative industries"],
        "link": {"url": "https://www.szu.edu.cn/", "language": "zh-hans"},
    },
    {
        "slug": "huawei-building-ai-research-platform",
        "published_at": "2020-05-08T10:00",
        "tags": ["AI", "Huawei", "人工智能"],
        "body": (
            "<p>The second phase of the Peng Cheng Cloud Brain runs on Huawei’s Atlas "
            "900 platform: a training cluster of thousands of AI processors of Huawei’s "
            "own making, under the Kunpeng and Ascend brands.</p>"
            "<p>State media have likened the laboratory to “nuclear reactors and space "
            "stations” in the field of artificial intelligence.</p>"
            "<h2>Where the research goes</h2>"
            "<ul><li>computer vision</li><li>natural language processing</li>"
            "<li>autonomous driving and transportation</li><li>healthcare</li>"
            "<li>manufacturing</li></ul>"
        ),
    },
    {
        "slug": "science-cities-rise-in-guangdong",
        "published_at": "2020-04-30T10:00",
        "tags": ["Guangdong", "research", "Shenzhen", "Guangzhou"],
        "body": (
            "<h2>Four clusters</h2>"
            "<ul><li>Guangzhou’s Nansha</li><li>Shenzhen’s Guangming</li>"
            "<li>Dongguan’s Songshan Lake</li><li>Zhongshan’s Cuiheng</li></ul>"
            "<h2>The missing step</h2>"
            "<p>Guangdong has no trouble designing, building and selling things. Basic "
            "scientific research, the step before all of that in the technology value "
            "chain, is where Beijing and Shanghai, with their leading research "
            "universities, have long had the edge.</p>"
            "<p>The province is not starting from nothing: Guangzhou’s “Science City” in "
            "Huangpu district hosts R&amp;D centres of some of the world’s biggest "
            "companies, and Shenzhen’s Nanshan Science and Technology Park is home to "
            "some of China’s biggest technology brands. At the core of the GBA "
            "masterplan sits the “10 hubs” plan for the Science and Technology "
            "Innovation Corridor (STIC).</p>"
        ),
    },
    {
        "slug": "daya-bay-to-build-ai-industrial-park",
        "published_at": "2020-04-24T10:00",
        "tags": ["AI", "Huizhou", "industrial parks"],
        "link": {"url": "https://www.huizhou.gov.cn/", "language": "zh-hans"},
    },
    {
        "slug": "smart-glasses-debut-at-shenzhen-bay-port",
        "published_at": "2020-04-17T10:00",
        "tags": ["5G", "Shenzhen", "Hong Kong", "深圳"],
        "link": {"url": "https://www.sznews.com/", "language": "zh-hans"},
    },
    {
        "slug": "gba-agricultural-product-system-set-up",
        "published_at": "2020-04-10T10:00",
        "tags": ["agriculture", "Guangzhou"],
        "link": {"url": "https://www.chinanews.com.cn/", "source": "china-news"},
    },
]
