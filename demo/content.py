"""Demo content written for this project (no text is copied from any real site).

The people and the source agency are invented. Loaded by ``manage.py load_demo``.
"""

import datetime as dt

PUBLISHER = {
    "slug": "dknews",
    "name": "Международное информационное агентство «DKNews»",
    "short_name": "МИА «DKNews»",
    "domain": "DKNews.kz",
    "founded_year": 2006,
    "is_publisher": True,
    "registration_authority": "Министерство культуры и информации Республики Казахстан",
    "name_kk": "«DKNews» халықаралық ақпарат агенттігі",
    "short_name_kk": "«DKNews» ХАА",
    "registration_authority_kk": "Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
    "name_en": "DKNews International News Agency",
    "short_name_en": "DKNews",
    "registration_authority_en": "the Ministry of Culture and Information of the Republic of Kazakhstan",
    "registration_number": "10484-АА",
    "registration_number_en": "10484-AA",
    "registration_date": dt.date(2010, 1, 20),
}

SOURCES = [
    {
        "slug": "dala-news",
        "name": "Информационное агентство «Дала Ньюс»",
        "short_name": "ИА «Дала Ньюс»",
        "name_kk": "«Дала Ньюс» ақпарат агенттігі",
        "short_name_kk": "«Дала Ньюс» АА",
        "name_en": "Dala News Agency",
        "short_name_en": "Dala News",
        "domain": "dalanews.example",
        "founded_year": 2015,
    },
]

PROMO_BLOCKS = [
    {
        "title": "Telegram-канал «Нефть и Газ Казахстана». Факты и комментарии",
        "text": "Главные новости отрасли, цифры и мнения экспертов — каждый день в одном канале.",
        "url": "https://t.me/s/example_neft_i_gaz",
        "link_text": "Бесплатная подписка",
        "title_kk": "«Қазақстанның мұнайы мен газы» Telegram-арнасы. Деректер мен пікірлер",
        "text_kk": "Саланың басты жаңалықтары, сандар мен сарапшылар пікірі — күн сайын бір арнада.",
        "link_text_kk": "Тегін жазылу",
        "title_en": "Oil and Gas of Kazakhstan on Telegram: facts and comment",
        "text_en": "The industry's main news, figures and expert views, every day in one channel.",
        "link_text_en": "Subscribe for free",
        "position": 1,
    },
]

SECTIONS = [
    {
        "slug": "politika", "name": "Политика", "position": 1, "description": "Государство, дипломатия, выборы.",
        "name_kk": "Саясат", "description_kk": "Мемлекет, дипломатия, сайлау.",
        "name_en": "Politics", "description_en": "The state, diplomacy, elections.",
    },
    {
        "slug": "ekonomika", "name": "Экономика", "position": 2, "description": "Отрасли, рынки, бюджет.",
        "name_kk": "Экономика", "description_kk": "Салалар, нарықтар, бюджет.",
        "name_en": "Economy", "description_en": "Industries, markets, the budget.",
    },
    {
        "slug": "obshchestvo", "name": "Общество", "position": 3, "description": "Города, люди, социальная сфера.",
        "name_kk": "Қоғам", "description_kk": "Қалалар, адамдар, әлеуметтік сала.",
        "name_en": "Society", "description_en": "Cities, people, social affairs.",
    },
    {
        "slug": "kultura", "name": "Культура", "position": 4, "description": "Театр, кино, музыка, книги.",
        "name_kk": "Мәдениет", "description_kk": "Театр, кино, музыка, кітаптар.",
        "name_en": "Culture", "description_en": "Theatre, film, music, books.",
    },
    {"slug": "sport", "name": "Спорт", "position": 5, "description": "", "name_kk": "Спорт", "name_en": "Sport"},
]  # fmt: skip

# Topics in Kazakh and English (the Russian name is the topic's own).
TOPICS = {
    "Культура": ("Мәдениет", "Culture"),
    "Дипломатия": ("Дипломатия", "Diplomacy"),
    "Азербайджан": ("Әзірбайжан", "Azerbaijan"),
    "Нефть и газ": ("Мұнай және газ", "Oil and gas"),
    "Экономика": ("Экономика", "Economy"),
    "Экология": ("Экология", "Environment"),
    "Қоғам": ("Қоғам", "Society"),
    "Білім": ("Білім", "Education"),
    "Бокс": ("Бокс", "Boxing"),
    "Спорт": ("Спорт", "Sport"),
    "Транспорт": ("Көлік", "Transport"),
    "Астана": ("Астана", "Astana"),
    "Музыка": ("Музыка", "Music"),
    "Шахматы": ("Шахмат", "Chess"),
    "Центральная Азия": ("Орталық Азия", "Central Asia"),
}

PEOPLE = [
    {
        "slug": "aidos-sarsenbaev",
        "name_en": "Aidos Sarsenbayev",
        "position_kk": "Қазақстан Республикасының мәдениет және спорт министрі",
        "position_en": "Minister of Culture and Sport of the Republic of Kazakhstan",
        "organisation_kk": "ҚР Мәдениет және спорт министрлігі",
        "organisation_en": "Ministry of Culture and Sport of Kazakhstan",
        "bio_kk": "Демонстрациялық материалдардың ойдан шығарылған кейіпкері.",
        "bio_en": "A fictional character of the demo content.",
        "name": "Айдос Сарсенбаев",
        "position": "министр культуры и спорта Республики Казахстан",
        "organisation": "Министерство культуры и спорта РК",
        "country": "KZ",
        "bio": "Вымышленный персонаж демонстрационных материалов.",
    },
    {
        "slug": "rashad-guliev",
        "name_en": "Rashad Guliyev",
        "position_kk": "Әзірбайжан Республикасының Қазақстан Республикасындағы Төтенше және Өкілетті Елшісі",
        "position_en": "Ambassador Extraordinary and Plenipotentiary of the Republic of Azerbaijan to the Republic of Kazakhstan",
        "organisation_kk": "Әзірбайжанның Қазақстандағы елшілігі",
        "organisation_en": "Embassy of Azerbaijan in Kazakhstan",
        "bio_kk": "Демонстрациялық материалдардың ойдан шығарылған кейіпкері.",
        "bio_en": "A fictional character of the demo content.",
        "name": "Рашад Гулиев",
        "position": "Чрезвычайный и Полномочный Посол Азербайджанской Республики в Республике Казахстан",
        "organisation": "Посольство Азербайджана в Казахстане",
        "country": "AZ",
        "bio": "Вымышленный персонаж демонстрационных материалов.",
    },
    {
        "slug": "gulnara-ospanova",
        "name_en": "Gulnara Ospanova",
        "position_kk": "қала әкімі (ойдан шығарылған)",
        "position_en": "city akim, or mayor (fictional)",
        "organisation_kk": "Әкімдік",
        "organisation_en": "Akimat (city administration)",
        "name": "Гульнара Оспанова",
        "position": "аким города (вымышленный)",
        "organisation": "Акимат",
        "country": "KZ",
        "bio": "",
    },
    {
        "slug": "marat-zhunusov",
        "name_en": "Marat Zhunusov",
        "position_kk": "бокстан құраманың бас бапкері",
        "position_en": "head coach of the national boxing team",
        "organisation_kk": "Бокс федерациясы",
        "organisation_en": "Boxing Federation",
        "name": "Марат Жунусов",
        "position": "главный тренер сборной по боксу",
        "organisation": "Федерация бокса",
        "country": "KZ",
        "bio": "",
    },
    # Authors: linked to the demo staff accounts by load_demo.
    {
        "slug": "dina-akhmetova",
        "name_en": "Dina Akhmetova",
        "position_kk": "тілші",
        "position_en": "correspondent",
        "organisation_kk": "«DKNews» ХАА",
        "organisation_en": "DKNews",
        "name": "Дина Ахметова",
        "position": "корреспондент",
        "organisation": "МИА «DKNews»",
        "country": "KZ",
        "bio": "",
        "user": "journalist",
    },
    {
        "slug": "timur-bekov",
        "name_en": "Timur Bekov",
        "position_kk": "шығарушы редактор",
        "position_en": "managing editor",
        "organisation_kk": "«DKNews» ХАА",
        "organisation_en": "DKNews",
        "name": "Тимур Беков",
        "position": "выпускающий редактор",
        "organisation": "МИА «DKNews»",
        "country": "KZ",
        "bio": "",
        "user": "editor",
    },
]

USERS = [
    {"username": "admin", "password": "admin-demo-pass", "group": None, "superuser": True, "first_name": "Админ"},
    {
        "username": "editor",
        "password": "editor-demo-pass",
        "group": "Editor",
        "superuser": False,
        "first_name": "Тимур",
    },
    {
        "username": "journalist",
        "password": "journalist-demo-pass",
        "group": "Journalist",
        "superuser": False,
        "first_name": "Дина",
    },
]

QUOTE = (
    "<blockquote><p>«Культура — это язык, на котором народы понимают друг друга без переводчика. "
    "Мы хотим, чтобы казахстанский зритель увидел азербайджанский театр не на гастрольной афише раз в "
    "десять лет, а в постоянном репертуаре, и чтобы наши артисты так же регулярно выходили на сцену в Баку. "
    "Для этого мы договорились о совместных постановках, об обмене студентами консерваторий и о цифровом "
    "архиве, в котором записи спектаклей будут доступны зрителям обеих стран — бесплатно и на трёх языках»."
    "</p><cite>— Айдос Сарсенбаев, министр культуры и спорта</cite></blockquote>"
)

# publish_offset: hours relative to the moment the demo is first loaded (negative: in the past).
ARTICLES = [
    {
        "slug": "ministr-kultury-i-sporta-vstretilsya-s-poslom-azerbaydzhana",
        "title": "Министр культуры и спорта встретился с послом Азербайджана",
        "lead": "В Астане обсудили совместные театральные постановки и обмен студентами творческих вузов",
        "body": (
            "<p>Встреча прошла в здании министерства и продлилась почти два часа. Стороны обсудили "
            "программу Дней культуры Азербайджана в Казахстане, которые планируется провести осенью.</p>"
            + QUOTE
            + "<p>Посол поблагодарил казахстанскую сторону за поддержку азербайджанского культурного центра "
            "и предложил включить в программу выставку ковроткачества и вечер мугама.</p>"
            "<h2>Что дальше</h2><ul><li>рабочая группа соберётся в следующем месяце;</li>"
            "<li>список совместных постановок утвердят до конца года.</li></ul>"
        ),
        "language": "ru",
        "section": "kultura",
        "tags": ["Культура", "Дипломатия", "Азербайджан"],
        "people": ["aidos-sarsenbaev", "rashad-guliev"],
        "countries": ["KZ", "AZ"],
        "authors": ["dina-akhmetova"],
        "source": "dknews",
        "status": "published",
        "publish_offset": -26,
        "photo": ("#1f4e79", "#c9a227"),
        "notes": [
            {
                "hours_ago": 20,
                "fields": {
                    "kind": "update",
                    "text": "Министерство опубликовало программу Дней культуры: они пройдут в октябре.",
                },
            },
        ],
        "photo_caption": "Встреча в министерстве культуры и спорта",
        "photo_alt": "Министр и посол за столом переговоров (демонстрационное изображение: цветной градиент)",
        "photo_credit": "Фото: пресс-служба министерства (демо)",
    },
    {
        "slug": "v-atyrau-obsudili-modernizatsiyu-neftepererabotki",
        "title": "В Атырау обсудили модернизацию нефтепереработки",
        "lead": "Отраслевые компании представили планы по снижению выбросов на 15% к 2030 году",
        "body": (
            "<p>На отраслевой конференции в Атырау представители нефтеперерабатывающих предприятий "
            "рассказали о планах обновления установок. Основной акцент — на энергоэффективность и "
            "сокращение выбросов.</p><p>Участники отметили, что инвестиции окупятся за счёт снижения "
            "расходов на топливо и ремонт. Итоговый документ конференции направят в профильное министерство.</p>"
        ),
        "language": "ru",
        "section": "ekonomika",
        "tags": ["Нефть и газ", "Экономика", "Экология"],
        "people": [],
        "countries": ["KZ"],
        "authors": ["timur-bekov"],
        "source": "dala-news",
        "status": "published",
        "publish_offset": -20,
        "photo": ("#3b3b3b", "#e07b00"),
        "photo_caption": "Нефтеперерабатывающий завод",
        "photo_alt": "Установки нефтеперерабатывающего завода (демонстрационное изображение: цветной градиент)",
        "photo_credit": "Фото: ИА «Дала Ньюс» (демо)",
    },
    {
        "slug": "almatyda-zhana-kitaphana-ashyldy",
        "title": "Алматыда жаңа кітапхана ашылды",
        "lead": "Қала тұрғындары үшін заманауи оқу залы мен балалар бөлімі жұмыс істей бастады",
        "body": (
            "<p>Жаңа кітапхананың қорында 50 мыңнан астам кітап бар. Оқырмандар үшін тегін Wi-Fi, "
            "коворкинг аймағы және балаларға арналған ойын бөлмесі қарастырылған.</p>"
            "<blockquote><p>«Кітапхана — тек кітап сақтайтын орын емес, ол қала тұрғындарының кездесетін, "
            "оқитын және жаңа білім алатын ортасы болуы керек», — деді қала әкімі Гүлнара Оспанова.</p></blockquote>"
            "<p>Кітапхана күн сайын сағат 9:00-ден 21:00-ге дейін жұмыс істейді. Өңірлердегі оқырмандар "
            "үшін электрондық каталог та іске қосылды.</p>"
        ),
        "language": "kk",
        "section": "obshchestvo",
        "tags": ["Қоғам", "Білім"],
        "people": ["gulnara-ospanova"],
        "countries": ["KZ"],
        "authors": ["dina-akhmetova"],
        "source": "dknews",
        "status": "published",
        "publish_offset": -8,
        "photo": ("#2e7d32", "#f1f8e9"),
        "photo_caption": "Жаңа кітапхананың оқу залы",
        "photo_alt": "Кітапхананың оқу залы (демонстрациялық сурет: түсті градиент)",
        "photo_credit": "Фото: DKNews (демонстрациялық сурет)",
    },
    {
        "slug": "sbornaya-kazakhstana-po-boksu-zavoevala-tri-medali-v-tashkente",
        "title": "Сборная Казахстана по боксу завоевала три медали в Ташкенте",
        "lead": "На международном турнире казахстанские боксёры взяли одно золото и две бронзы",
        "body": (
            "<p>Золото в весовой категории до 63,5 кг завоевал дебютант сборной. Ещё двое спортсменов "
            "остановились в полуфинале.</p><p>«Для молодой команды это хороший результат, но над защитой "
            "придётся поработать», — сказал главный тренер Марат Жунусов.</p>"
        ),
        "language": "ru",
        "section": "sport",
        "tags": ["Бокс", "Спорт"],
        "people": ["marat-zhunusov"],
        "countries": ["KZ", "UZ"],
        "authors": ["timur-bekov"],
        "source": "dknews",
        "status": "published",
        "publish_offset": -5,
    },
    {
        "slug": "v-astane-zapustili-novyy-marshrut-elektrobusov",
        "title": "В Астане запустили новый маршрут электробусов",
        "lead": "Маршрут соединил левый берег с железнодорожным вокзалом — интервал движения 10 минут",
        "body": (
            "<p>На линию вышли 12 электробусов. Проезд оплачивается транспортной картой или QR-кодом.</p>"
            "<p>В акимате пообещали до конца года добавить ещё два маршрута и установить на остановках "
            "табло с временем прибытия.</p>"
        ),
        "language": "ru",
        "section": "obshchestvo",
        "tags": ["Транспорт", "Астана", "Экология"],
        "people": [],
        "countries": ["KZ"],
        "authors": ["dina-akhmetova"],
        "source": "dknews",
        "status": "published",
        "publish_offset": -2,
    },
    {
        "slug": "kazakhstan-and-azerbaijan-agree-to-expand-cultural-exchange",
        "title": "Kazakhstan and Azerbaijan agree to expand cultural exchange",
        "lead": "Joint theatre productions and student exchanges are planned, DKNews.kz reports",
        "body": (
            "<p>The minister of culture and sports met the ambassador of Azerbaijan in Astana to discuss "
            "a programme of Azerbaijani Culture Days in Kazakhstan.</p>"
        ),
        "language": "en",
        "translation_of": "ministr-kultury-i-sporta-vstretilsya-s-poslom-azerbaydzhana",
        "section": "politika",
        "tags": ["Дипломатия", "Азербайджан"],
        "people": ["aidos-sarsenbaev", "rashad-guliev"],
        "countries": ["KZ", "AZ"],
        "authors": ["timur-bekov"],
        "source": "dknews",
        "status": "published",
        "publish_offset": -25,
    },
    {
        "slug": "v-shymkente-proydet-festival-narodnoy-muzyki",
        "title": "В Шымкенте пройдёт международный фестиваль народной музыки",
        "lead": "Исполнители из семи стран выступят на главной площади города",
        "body": "<p>Фестиваль продлится три дня. Вход на все концерты свободный.</p>",
        "language": "ru",
        "section": "kultura",
        "tags": ["Культура", "Музыка"],
        "people": [],
        "countries": ["KZ", "UZ", "KG", "TR"],
        "authors": ["dina-akhmetova"],
        "source": "dknews",
        "status": "published",
        "publish_offset": 72,  # scheduled: appears three days after the demo is loaded
    },
    {
        "slug": "chernovik-itogi-goda-v-kulture",
        "title": "Итоги года в культуре: премьеры, гастроли, открытия",
        "lead": "Черновик: собираем главные события года",
        "body": "<p>Текст в работе.</p>",
        "language": "ru",
        "section": "kultura",
        "tags": ["Культура"],
        "people": ["aidos-sarsenbaev"],
        "countries": ["KZ"],
        "authors": ["dina-akhmetova"],
        "source": "dknews",
        "status": "draft",
        "publish_offset": None,
    },
    {
        "slug": "yunye-shakhmatisty-iz-karagandy",
        "title": "Юные шахматисты из Караганды выиграли командный турнир",
        "lead": "Команда из пяти школьников обошла соперников из трёх областей",
        "body": "<p>Турнир проходил два дня. Лучший результат на первой доске показала ученица седьмого класса.</p>",
        "language": "ru",
        "section": "sport",
        "tags": ["Шахматы", "Спорт"],
        "people": [],
        "countries": ["KZ"],
        "authors": ["dina-akhmetova"],
        "source": "dknews",
        "status": "review",
        "publish_offset": None,
    },
    {
        "slug": "sammit-v-astane-onlayn",
        "title": "Саммит в Астане: онлайн",
        "lead": "Главы государств Центральной Азии собрались в Астане — следим за саммитом в прямом эфире",
        "body": (
            "<p>В Астане проходит саммит глав государств Центральной Азии. В повестке — транспортные "
            "коридоры, водные ресурсы и торговля. Мы рассказываем о главном по мере того, как это происходит.</p>"
        ),
        "language": "ru",
        "section": "politika",
        "tags": ["Центральная Азия"],
        "people": [],
        "countries": ["KZ"],
        "authors": ["timur-bekov", "dina-akhmetova"],
        "source": "dknews",
        "status": "published",
        "publish_offset": -3,
    },
]

# The demo's live blog (the article above): its coverage began this many hours before the demo was
# first loaded, and its entries, each posted that many minutes before it by «by» (a demo account).
LIVE_BLOG = {
    "slug": "sammit-v-astane-onlayn",
    "coverage_hours_ago": 3,
    "entries": [
        {
            "minutes_ago": 170, "by": "journalist", "author": "dina-akhmetova", "headline": "",
            "body": "<p>Доброе утро! Мы начинаем трансляцию с саммита глав государств Центральной Азии в Астане.</p>",
        },
        {
            "minutes_ago": 150, "by": "journalist", "author": "dina-akhmetova", "headline": "",
            "body": "<p>Кортежи делегаций прибывают к Дворцу независимости. Движение по проспекту Мангилик Ел "
            "перекрыто до 18:00.</p>",
        },
        {
            "minutes_ago": 130, "by": "editor", "author": "timur-bekov", "headline": "Саммит открыт",
            "key_event": True,
            "body": "<p>Президент Казахстана открыл саммит. В повестке — транспортные коридоры, вода и торговля.</p>",
        },
        {
            "minutes_ago": 105, "by": "journalist", "author": "dina-akhmetova", "headline": "",
            "body": "<p>Қазақ тілінде: саммитке бес мемлекеттің басшылары қатысып отыр. Кездесу жабық форматта "
            "жалғасуда.</p>",
        },
        {
            "minutes_ago": 80, "by": "journalist", "author": "dina-akhmetova", "headline": "",
            "body": "<p>Журналистов пригласили в пресс-центр: итоговую пресс-конференцию обещают после 16:00.</p>",
        },
        {
            "minutes_ago": 55, "by": "editor", "author": "timur-bekov", "headline": "", "key_event": True,
            "body": "<p>Подписано соглашение о транспортном коридоре «Север — Юг»: грузы из Китая пойдут к "
            "портам Персидского залива на 10 дней быстрее.</p>",
        },
        {
            "minutes_ago": 30, "by": "journalist", "author": "dina-akhmetova", "headline": "",
            "body": "<p>Главы государств вышли к журналистам для совместного фотографирования.</p>",
        },
        {
            "minutes_ago": 10, "by": "editor", "author": "timur-bekov", "headline": "", "pinned": True,
            "body": "<p>Итоговая пресс-конференция начнётся в 16:00 по времени Астаны. Следите за обновлениями "
            "здесь.</p>",
        },
    ],
}  # fmt: skip


# A short item's photo caption and credit, in the item's language: a reader of /en/ or /kk/ reads
# no Russian under a picture.
BRIEF_PHOTO_TEXTS = {
    "ru": {"photo_caption": "Демонстрационное изображение", "photo_credit": "DKNews (демо)"},
    "kk": {"photo_caption": "Демонстрациялық сурет", "photo_credit": "DKNews (демонстрациялық сурет)"},
    "en": {"photo_caption": "A demo image", "photo_credit": "DKNews (demo)"},
}

# Photo texts that earlier versions of this demo wrote and this one corrects, by the article's
# language: its English and Kazakh photos carried Russian credits. load_demo replaces such a
# text on the demo's own photo (found by its bytes) while it is still the one the demo wrote;
# a text an editor has changed stays as it is.
SUPERSEDED_PHOTO_TEXTS = {
    "en": {"credit": ("DKNews (демо)",)},
    "kk": {"credit": ("DKNews (демо)", "Фото: DKNews (демо)")},
}


def _brief(slug, title, lead, body, section, tags, offset, *, language="ru", photo=None, alt="", **extra) -> dict:
    """A short published news item of the demo (the front page needs more than a handful)."""
    row = {
        "slug": slug,
        "title": title,
        "lead": lead,
        "body": f"<p>{body}</p>",
        "language": language,
        "section": section,
        "tags": tags,
        "people": [],
        "countries": ["KZ"],
        "authors": ["timur-bekov"],
        "source": "dknews",
        "status": "published",
        "publish_offset": offset,
        **extra,
    }
    if photo:
        row.update(photo=photo, photo_alt=alt, **BRIEF_PHOTO_TEXTS[language])
    return row


ARTICLES += [
    _brief(
        "pravitelstvo-utverdilo-plan-po-snizheniyu-inflyatsii",
        "Правительство утвердило план по снижению инфляции до 7% к концу следующего года",
        "Меры включают сдерживание тарифов, поддержку производителей продовольствия и расширение биржевых торгов",
        "План обсуждали на заседании правительства. Министерства должны ежемесячно отчитываться о ценах на "
        "социально значимые товары.",
        "ekonomika",
        ["Экономика"],
        -1,
        photo=("#0d3b66", "#f4d35e"),
        alt="Заседание правительства (демонстрационное изображение: цветной градиент)",
        importance="main",
        views=412,
    ),
    _brief(
        "nacbank-sohranil-bazovuyu-stavku",
        "Нацбанк сохранил базовую ставку на уровне 15,25%",
        "Следующее решение по ставке регулятор объявит в январе",
        "Регулятор указал на замедление годовой инфляции и устойчивый спрос на кредиты.",
        "ekonomika",
        ["Экономика"],
        -3,
        photo=("#234e52", "#81e6d9"),
        alt="Здание Национального банка (демонстрационное изображение: цветной градиент)",
        importance="top",
        views=268,
    ),
    _brief(
        "v-almaty-otkrylsya-festival-sovremennogo-tanca",
        "В Алматы открылся фестиваль современного танца",
        "Труппы из девяти стран покажут 20 спектаклей на трёх площадках города",
        "Фестиваль продлится неделю; часть показов пройдёт под открытым небом.",
        "kultura",
        ["Культура"],
        -4,
        photo=("#6b2d5c", "#f0a6ca"),
        alt="Танцоры на сцене (демонстрационное изображение: цветной градиент)",
        importance="top",
        views=133,
    ),
    _brief(
        "senat-odobril-popravki-v-zakon-o-media",
        "Сенат одобрил поправки в закон о массмедиа",
        "Поправки упрощают аккредитацию журналистов и сокращают сроки ответа на запросы СМИ",
        "Закон направлен на подпись главе государства.",
        "politika",
        ["Дипломатия"],
        -6,
        photo=("#3d405b", "#e07a5f"),
        alt="Зал заседаний Сената (демонстрационное изображение: цветной градиент)",
        importance="top",
        views=201,
    ),
    _brief(
        "v-karagande-otremontiruyut-200-dvorov",
        "В Караганде за лето отремонтируют 200 дворов",
        "Жители сами выбрали, что появится во дворах: площадки, парковки или скверы",
        "Список дворов опубликован на сайте акимата; работы начнутся в мае.",
        "obshchestvo",
        ["Транспорт"],
        -7,
        views=87,
    ),
    _brief(
        "kazakhstanskie-shakhmatistki-vyigrali-chempionat-azii",
        "Казахстанские шахматистки выиграли командный чемпионат Азии",
        "В последнем туре сборная обыграла Индию и на очко опередила Китай",
        "Лучший результат на первой доске показала действующая чемпионка мира по блицу.",
        "sport",
        ["Шахматы", "Спорт"],
        -9,
        photo=("#1b4332", "#95d5b2"),
        alt="Шахматная доска (демонстрационное изображение: цветной градиент)",
        views=156,
    ),
    _brief(
        "zerno-eksport-dostig-rekorda",
        "Экспорт казахстанского зерна достиг рекорда за десять лет",
        "За четыре месяца сельхозгода вывезено 4,2 млн тонн пшеницы и муки",
        "Основные покупатели — страны Центральной Азии, Иран и Китай.",
        "ekonomika",
        ["Экономика"],
        -11,
        views=64,
    ),
    _brief(
        "v-astane-pokazhut-restavrirovannye-filmy-kazakhfilma",
        "В Астане покажут отреставрированные фильмы «Казахфильма»",
        "В программу ретроспективы вошли шесть картин 1960–1980-х годов",
        "Показы пройдут в кинотеатре «Арман»; вход свободный по регистрации.",
        "kultura",
        ["Культура", "Астана"],
        -13,
        photo=("#5f0f40", "#fb8b24"),
        alt="Кадр из фильма (демонстрационное изображение: цветной градиент)",
        views=45,
    ),
    _brief(
        "mid-kazakhstana-provel-konsultatsii-s-turtsiey",
        "МИД Казахстана провёл политические консультации с Турцией",
        "Стороны обсудили транспортный коридор через Каспий и сотрудничество в образовании",
        "Следующий раунд консультаций пройдёт в Анкаре.",
        "politika",
        ["Дипломатия"],
        -15,
        countries=["KZ", "TR"],
        views=52,
    ),
    _brief(
        "ekologi-podschitali-saygakov",
        "Экологи насчитали более 2,8 млн сайгаков",
        "Авиаучёт провели в Бетпакдале, Устюрте и Уральской популяции",
        "Рост численности учёные связывают с охраной и благоприятными зимами.",
        "obshchestvo",
        ["Экология"],
        -18,
        photo=("#7f5539", "#ede0d4"),
        alt="Степь (демонстрационное изображение: цветной градиент)",
        importance="top",
        views=310,
    ),
    _brief(
        "ukimet-inflyaciyany-tomendetu-josparyn-bekitti",
        "Үкімет инфляцияны төмендету жоспарын бекітті",
        "Шаралар тарифтерді тежеуді және азық-түлік өндірушілерін қолдауды қамтиды",
        "Министрліктер әлеуметтік маңызы бар тауарлардың бағасы туралы ай сайын есеп береді.",
        "ekonomika",
        ["Экономика"],
        -2,
        language="kk",
        photo=("#123f6b", "#f2cf57"),
        alt="Үкімет отырысы (демонстрациялық сурет: түсті градиент)",
        importance="main",
        views=120,
    ),
    _brief(
        "almatyda-zamanaui-bi-festivali",
        "Алматыда заманауи би фестивалі ашылды",
        "Тоғыз елдің трупалары үш алаңда 20 қойылым көрсетеді",
        "Фестиваль бір аптаға созылады.",
        "kultura",
        ["Культура"],
        -5,
        language="kk",
        views=34,
    ),
    _brief(
        "government-approves-plan-to-bring-inflation-down",
        "Government approves a plan to bring inflation down to 7% by the end of next year",
        "Measures include holding back utility tariffs and supporting food producers",
        "Ministries will report monthly on the prices of essential goods.",
        "ekonomika",
        ["Экономика"],
        -2,
        language="en",
        photo=("#0b3760", "#f6d868"),
        alt="A government meeting (a demo image: a colour gradient)",
        importance="main",
        views=58,
    ),
    _brief(
        "saiga-population-exceeds-2-8-million",
        "Saiga antelope population exceeds 2.8 million",
        "The aerial count covered the Betpak-Dala, Ustyurt and Ural populations",
        "Scientists credit protection and mild winters for the growth.",
        "obshchestvo",
        ["Экология"],
        -19,
        language="en",
        views=21,
    ),
]

# Today's plan (planning/): events and assignments for the day load_demo runs, at these newsroom
# times; once a day (a row with the same title or working title on that day is left alone).
PLAN = {
    "events": [
        {
            "title": "Брифинг министра культуры и информации", "time": "11:00", "end": "12:00",
            "place": "Астана, Дом министерств, конференц-зал",
            "description": "Итоги заседания Правительства, вопросы журналистов.",
            "contacts": "Пресс-служба: press@mci.gov.kz, +7 7172 74 00 00", "url": "https://www.gov.kz/",
        },
        {
            "title": "Решение Нацбанка по базовой ставке", "time": "15:00", "end": "15:30",
            "place": "Национальный банк РК, Алматы", "description": "Пресс-релиз и пресс-конференция председателя.",
            "contacts": "", "url": "https://nationalbank.kz/",
        },
        {
            "title": "Официальный курс тенге", "time": "15:30", "end": "15:45", "place": "",
            "description": "", "contacts": "", "url": "", "repeat": "daily",
        },
    ],
    "assignments": [
        {
            "slug": "брифинг-минкультуры", "section": "kultura", "time": "13:00", "kind": "text",
            "assignees": ["journalist"], "event": "Брифинг министра культуры и информации",
            "notes": "Главное из брифинга; цитаты министра — в лид.",
        },
        {
            "slug": "нацбанк-ставка", "section": "ekonomika", "time": "15:30", "kind": "text",
            "assignees": ["journalist"], "event": "Решение Нацбанка по базовой ставке",
            "notes": "Молния в 15:00, развёрнутый текст с комментарием аналитика к 15:30.",
        },
        {
            "slug": "нацбанк-фото", "section": "ekonomika", "time": "16:00", "kind": "photo", "assignees": [],
            "event": "Решение Нацбанка по базовой ставке", "notes": "Председатель на пресс-конференции.",
        },
        {
            "slug": "наурыз-афиша", "section": "obshchestvo", "time": "18:00", "kind": "text", "assignees": [],
            "language": "kk", "notes": "Мерекелік іс-шаралар афишасы.",
        },
    ],
}  # fmt: skip

# The newsletters readers may take (newsletters/): the morning digests, filled automatically
# from the main story, the top block and the most read, and a breaking-news mail an editor sends.
NEWSLETTERS = [
    {
        "slug": "glavnoe-za-den",
        "name": "Главное за день",
        "description": "Главные новости агентства каждое утро в 8:00",
        "language": "ru",
        "schedule": "daily",
        "send_time": "08:00",
        "fill": "auto",
        "position": 1,
    },
    {
        "slug": "kun-zhanalyqtary",
        "name": "Күн жаңалықтары",
        "description": "Агенттіктің басты жаңалықтары күн сайын таңғы 8:00-де",
        "language": "kk",
        "schedule": "daily",
        "send_time": "08:00",
        "fill": "auto",
        "position": 2,
    },
    {
        "slug": "srochnye-novosti",
        "name": "Срочные новости",
        "description": "Письмо о главном событии, как только оно произошло",
        "language": "ru",
        "schedule": "manual",
        "send_time": "08:00",
        "fill": "editor",
        "position": 3,
    },
]
