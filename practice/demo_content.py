"""Original demo copy for `load_demo_content`: the practice's pages in its own voice."""

PRACTICE_DETAILS = {
    "practice_name": "Better Lives, Building Tribes",
    "clinician_name": "Dr. Meaghan",
    "clinician_credentials": "PhD, Licensed Psychologist",
    "phone": "(303) 578-9317",
    "email": "hello@betterlivesbuildingtribes.example",
    "front_desk_email": "frontdesk@betterlivesbuildingtribes.example",
    "short_name": "Better Lives",
    "street_address": "1550 Larimer Street, Suite 300",
    "address_locality": "Denver",
    "address_region": "CO",
    "postal_code": "80202",
    "address_country": "US",
    "latitude": "39.749400",
    "longitude": "-104.999100",
    "opening_hours": [
        {
            "type": "hours",
            "value": {"days": ["Monday", "Tuesday", "Wednesday", "Thursday"], "opens": "09:00", "closes": "18:00"},
        },
        {"type": "hours", "value": {"days": ["Friday"], "opens": "09:00", "closes": "13:00"}},
    ],
    "price_range": "$160–$190",
    "service_area": "In person in Denver; online anywhere in Colorado",
    "online_note": (
        "Online sessions are available when you are physically located in Colorado at the time of your session."
    ),
    "response_time": "within one business day",
    "session_length_minutes": 50,
    "good_faith_estimate": (
        "<p>If you do not have health insurance, or you choose not to use it for your sessions, a federal law "
        "called the No Surprises Act gives you the right to a <b>Good Faith Estimate</b>. This is a written "
        "estimate of what your care is expected to cost.</p>"
        "<p>You can ask for a Good Faith Estimate at any time: before you book, when you schedule your first "
        "session, or after you have started. We are glad to give you one, and you never need to explain why "
        "you want it. The estimate lists the services and fees we expect, based on what we know when we write "
        "it.</p>"
        "<p>If you receive a bill that is at least $400 more than your Good Faith Estimate, you have the right "
        "to dispute the bill. Please keep a copy of your estimate somewhere safe. To learn more about your "
        "rights, you can visit www.cms.gov/nosurprises, or call us and we will walk you through it.</p>"
    ),
    "booking_button_label": "Schedule with Dr. Meaghan",
}

HOME = {
    "title": "Home",
    "seo_title": "Therapy in Denver and online across Colorado · Better Lives",
    "search_description": (
        "Warm, practical therapy for adults, couples, and teens with Dr. Meaghan, PhD. In person in Denver and "
        "online anywhere in Colorado."
    ),
    "hero_heading": "You don’t have to carry it alone",
    "hero_lead": (
        "Therapy for adults, couples, and teens who want to feel steadier and more connected. "
        "In person in Denver and online anywhere in Colorado."
    ),
    "intro": (
        "<p>Maybe you feel worn thin by work, caregiving, or the pace of everything. Maybe a loss has changed "
        "the shape of your days, or the people closest to you feel far away. Whatever brought you here, you "
        "are welcome as you are.</p>"
        "<p>At Better Lives, Building Tribes, <b>Dr. Meaghan</b> offers a calm, unhurried space to talk things "
        "through and find your footing again. She often works with people facing:</p>"
        "<ul><li>anxiety and constant worry</li><li>grief and loss</li><li>burnout</li>"
        "<li>trouble setting boundaries</li><li>loneliness or strain in relationships</li></ul>"
        '<p>You can read more <a href="/about/">about Dr. Meaghan</a>, see the <a href="/services/">services '
        'she offers</a>, or find answers in the <a href="/faq/">frequently asked questions</a>.</p>'
    ),
    "cta_heading": "Ready to talk?",
    "cta_text": (
        "Reach out whenever you feel ready. A free 15-minute phone consultation is a gentle way to ask "
        "questions and see whether working together feels right."
    ),
}

IMAGES = {
    "hero": {
        "title": "Soft dawn over hills",
        "description": (
            "Abstract soft gradient of peach, rose, and pale gold, with gentle rounded shapes like hills at dawn"
        ),
        "colors": ["#f6d8c4", "#eab8a6", "#f3e3b5"],
    },
    "office": {
        "title": "Warm light in a quiet room",
        "description": (
            "Abstract gradient of warm cream, honey, and muted terracotta, with soft blurred shapes suggesting "
            "light in a quiet room"
        ),
        "colors": ["#f7ecdc", "#e6c89a", "#c99a7e"],
    },
    "path": {
        "title": "A gentle path",
        "description": (
            "Abstract soft gradient of sage green, sand, and pale sky blue, with a gently curving band like a path"
        ),
        "colors": ["#cfd9c3", "#eadcc2", "#cfe0e6"],
    },
}

PAGES = [
    {
        "slug": "about",
        "title": "About Dr. Meaghan",
        "intro": (
            "Dr. Meaghan is a licensed psychologist in Denver who helps adults, couples, and teens find steadier "
            "ground and closer connection. Here is a little about how she works and what to expect."
        ),
        "search_description": (
            "Meet Dr. Meaghan, a Denver psychologist offering relational, evidence-informed therapy for adults, "
            "couples, and teens."
        ),
        "show_in_menus": True,
        "body": [
            ("heading", {"text": "A little about Dr. Meaghan", "level": "h2"}),
            (
                "paragraph",
                "<p>Dr. Meaghan has spent her career sitting with people through some of the hardest and most "
                "tender parts of life: loss, loneliness, conflict, and the quiet exhaustion of always holding "
                "things together. She started Better Lives, Building Tribes around a simple belief. People tend "
                "to do better when they feel they belong somewhere.</p>"
                "<p>The “tribe” in the name is not a group you have to join. It is the relationships, "
                "communities, and inner steadiness that help you feel less alone. For some people, that means "
                "repairing a partnership. For others, it means learning to say no without guilt, or finding "
                "their footing after a loss.</p>",
            ),
            ("heading", {"text": "Her approach", "level": "h2"}),
            (
                "paragraph",
                "<p>Therapy with Dr. Meaghan is relational. The connection between the two of you matters, and "
                "she works to make it a place where you can be honest without being judged. She is curious, "
                "direct when that helps, and patient when things take time.</p>"
                "<p>She draws on approaches that have been carefully studied, and she fits them to you rather "
                "than the other way around. These include:</p>"
                "<ul><li><b>Emotionally focused therapy</b>, which looks at the patterns that keep people stuck "
                "and the needs underneath them, especially in close relationships.</li>"
                "<li><b>Cognitive-behavioral therapy</b>, which offers practical tools for noticing unhelpful "
                "thought loops and trying new ways of responding.</li>"
                "<li><b>Mindfulness-based practices</b>, which can help you slow down, notice what is happening "
                "in your body, and meet hard moments with a little more room.</li></ul>"
                "<p>You will not be handed a one-size-fits-all plan. Together, you will decide what to focus on "
                "and check in along the way about what is helping.</p>",
            ),
            ("image", {"image": "office", "alt_text": "", "decorative": False}),
            ("heading", {"text": "Who she works with", "level": "h2"}),
            (
                "paragraph",
                "<p>Dr. Meaghan sees individual adults, couples, and teens ages 13 to 17 with a parent or "
                "guardian involved. People often come to her when they are dealing with:</p>"
                "<ul><li>anxiety, worry, or a mind that will not switch off</li>"
                "<li>grief after a death, a breakup, or another kind of loss</li>"
                "<li>trouble setting or holding boundaries</li>"
                "<li>burnout from work, caregiving, or both</li>"
                "<li>feeling lonely or disconnected, even around other people</li>"
                "<li>conflict or distance in a relationship</li></ul>"
                "<p>If what you are carrying is not on this list, you are still welcome to ask. If she is not "
                "the right fit, she will do her best to point you toward someone who is.</p>",
            ),
            ("heading", {"text": "What a first session is like", "level": "h2"}),
            (
                "paragraph",
                "<p>Most people feel a little nervous before a first session. That is completely normal. The "
                "first meeting is mostly a conversation. Dr. Meaghan will ask what brings you in, what you have "
                "already tried, and what you would like to be different. You can share as much or as little as "
                "you like.</p>"
                "<p>She will also explain how confidentiality works, answer your questions about fees and "
                "scheduling, and talk with you about what working together could look like. By the end, you "
                "will likely have a sense of whether she feels like a good fit. If she does not, that is okay "
                "too.</p>",
            ),
            (
                "quote",
                {
                    "quote": "You don’t need to arrive with the right words. We can find them together, at your pace.",
                    "attribution": "Dr. Meaghan",
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "Wondering if it’s a good fit?",
                    "text": (
                        "Start with a free 15-minute phone consultation. There is no pressure to book, and you "
                        "can ask anything you like."
                    ),
                    "button_label": "",
                    "show_phone": True,
                },
            ),
        ],
    },
    {
        "slug": "services",
        "title": "Services",
        "intro": (
            "Individual therapy for adults, couples therapy, and therapy for teens, in person in Denver or online "
            "anywhere in Colorado. Every session is 50 minutes."
        ),
        "search_description": (
            "Individual, couples, and teen therapy with Dr. Meaghan. In person in Denver or online for people in "
            "Colorado. 50-minute sessions."
        ),
        "show_in_menus": True,
        "body": [
            ("heading", {"text": "Individual therapy for adults", "level": "h2"}),
            (
                "paragraph",
                "<p>Individual therapy is time set aside just for you. It is a place to slow down, sort through "
                "what is happening, and practice new ways of meeting it.</p>"
                "<p>Adults often come in for anxiety, grief, burnout, trouble with boundaries, or a sense of "
                "being disconnected from the people around them. Some arrive with a clear goal. Others simply "
                "know that something needs to change. Both are good places to start.</p>"
                "<p>Sessions are usually weekly at first. Over time, many people move to every other week. You "
                "and Dr. Meaghan will decide the pace together.</p>",
            ),
            ("heading", {"text": "Couples therapy", "level": "h2"}),
            (
                "paragraph",
                "<p>Couples therapy is for partners who want to understand each other better, whether you are in "
                "a rough patch, facing a big decision, or hoping to feel close again after a busy stretch. You "
                "do not need to be in crisis to come in.</p>"
                "<p>Dr. Meaghan helps each partner feel heard, and she helps you both notice the patterns that "
                "keep showing up in arguments or silences. The aim is not to decide who is right. It is to help "
                "you feel safer with each other, speak more openly, and respond with more care.</p>"
                "<p>She works with couples of all kinds, married or not, at any stage of a relationship.</p>",
            ),
            ("heading", {"text": "Therapy for teens", "level": "h2"}),
            (
                "paragraph",
                "<p>The teen years can be full of pressure, from school and friendships to social media and "
                "figuring out who you are. Dr. Meaghan works with teens ages 13 to 17 who are dealing with "
                "anxiety, low mood, loss, stress, or friction at home.</p>"
                "<p>A parent or guardian is part of the process. They give consent, help with the first "
                "appointment, and may join some sessions. At the same time, teens need a space that feels like "
                "their own. Dr. Meaghan talks openly with everyone about what stays private and what gets "
                "shared, so there are no surprises.</p>",
            ),
            ("heading", {"text": "In person or online", "level": "h2"}),
            ("heading", {"text": "In person in Denver", "level": "h3"}),
            (
                "paragraph",
                "<p>The office is a quiet, comfortable room in downtown Denver. Some people find it easier to "
                "open up away from home, and the trip to a session can become a helpful pause in the week.</p>",
            ),
            ("heading", {"text": "Online anywhere in Colorado", "level": "h3"}),
            (
                "paragraph",
                "<p>Online sessions take place over a secure video platform. All you need is a private spot, a "
                "steady internet connection, and a phone, tablet, or computer. Online therapy can be a good "
                "choice if you live outside Denver, have a full schedule, or simply feel more at ease at "
                "home.</p>"
                "<p>Because of how licensing works, you need to be physically located in Colorado during every "
                'online session. You can read more about that in the <a href="/faq/">frequently asked '
                "questions</a>.</p>",
            ),
            ("heading", {"text": "Session length", "level": "h2"}),
            (
                "paragraph",
                "<p>Individual, couples, and teen sessions are all 50 minutes, in person or online. Fees for each "
                'are listed on the <a href="/fees-and-insurance/">fees and insurance</a> page.</p>',
            ),
            (
                "call_to_action",
                {
                    "heading": "Not sure which is right for you?",
                    "text": (
                        "That is a very common question. A free 15-minute phone call is a simple way to talk it "
                        "through together."
                    ),
                    "button_label": "",
                    "show_phone": True,
                },
            ),
        ],
    },
    {
        "slug": "fees-and-insurance",
        "title": "Fees & insurance",
        "intro": (
            "Clear information about costs, insurance, and cancellations, so you can plan ahead. If anything here "
            "is unclear, please ask. We are happy to explain."
        ),
        "search_description": (
            "Session fees, sliding-scale spots, insurance and superbills, cancellation policy, and your right to a "
            "Good Faith Estimate."
        ),
        "show_in_menus": True,
        "body": [
            ("heading", {"text": "Session fees", "level": "h2"}),
            (
                "paragraph",
                "<p>All sessions are 50 minutes.</p>"
                "<ul><li>Individual therapy for adults and teens: <b>$160</b> per session</li>"
                "<li>Couples therapy: <b>$190</b> per session</li>"
                "<li>First phone consultation, about 15 minutes: <b>free</b></li></ul>"
                "<p>Payment is due at the time of each session. You can pay by credit card, debit card, or an "
                "HSA or FSA card. If it is easier, we can keep a card on file so you do not need to think about "
                "it each week.</p>",
            ),
            ("heading", {"text": "Sliding scale", "level": "h2"}),
            (
                "paragraph",
                "<p>Cost should not be the only thing standing between you and support. A limited number of "
                "reduced-fee spots are set aside for people who need them, such as students, people between "
                "jobs, and those with lower incomes.</p>"
                "<p>You do not need to bring paperwork or prove anything to ask. Just mention it when you reach "
                "out, and we will talk honestly about what is available. If the spots are full, we can help you "
                "look for other lower-cost options in Colorado.</p>",
            ),
            ("heading", {"text": "Insurance", "level": "h2"}),
            ("heading", {"text": "In-network plans", "level": "h3"}),
            (
                "paragraph",
                "<p>Dr. Meaghan is in network with some insurance plans. Plan networks change often, so the "
                'simplest way to check is to <a href="tel:+13035789317">call us</a> with your insurance card in '
                "hand. We will tell you what we know and what to ask your plan.</p>",
            ),
            ("heading", {"text": "Out-of-network benefits", "level": "h3"}),
            (
                "paragraph",
                "<p>If your plan is not one we work with, you may still have out-of-network mental health "
                "benefits. In that case, you pay for sessions directly, and we give you a superbill each month. "
                "A superbill is a detailed receipt you can send to your insurance company to ask for partial "
                "reimbursement.</p>"
                "<p>Before you start, it can help to call your insurer and ask:</p>"
                "<ul><li>Do I have out-of-network benefits for outpatient mental health care?</li>"
                "<li>Do I have a deductible, and how much of it have I met this year?</li>"
                "<li>What share of the cost will be reimbursed?</li>"
                "<li>Do I need approval before my first session?</li></ul>",
            ),
            ("heading", {"text": "Cancellations and missed sessions", "level": "h2"}),
            (
                "paragraph",
                "<p>Life happens, and we understand. If you need to cancel or reschedule, please let us know at "
                "least <b>48 hours</b> before your session. That gives us a chance to offer the time to someone "
                "who is waiting.</p>"
                "<p>Sessions cancelled with less than 48 hours’ notice, or missed without notice, are charged the "
                "full session fee. Insurance does not pay for missed sessions. If something truly unexpected "
                "comes up, like an emergency or a sudden illness, please still get in touch. We will talk it "
                "through with you.</p>",
            ),
            ("heading", {"text": "Good Faith Estimate", "level": "h2"}),
            (
                "paragraph",
                "<p>If you pay for sessions yourself or do not have insurance, you have the right to a Good Faith "
                "Estimate of your costs, as explained in the notice below.</p>",
            ),
            ("good_faith_estimate", None),
            (
                "call_to_action",
                {
                    "heading": "Questions about cost?",
                    "text": (
                        "Call or send a request, and we will go over fees, insurance, and sliding-scale options "
                        "with you. There is no charge for the first 15-minute phone consultation."
                    ),
                    "button_label": "",
                    "show_phone": True,
                },
            ),
        ],
    },
    {
        "slug": "faq",
        "title": "Frequently asked questions",
        "intro": (
            "Answers to the questions people ask most often before starting therapy. If yours is not here, you are "
            "always welcome to call or email."
        ),
        "search_description": (
            "How to get started, insurance, online sessions in Colorado, session length, crisis support, teens, "
            "confidentiality, and cancelling."
        ),
        "show_in_menus": True,
        "body": [
            (
                "faq",
                {
                    "question": "How do I get started?",
                    "answer": (
                        "<p>You can use the appointment request form on this site, call "
                        '<a href="tel:+13035789317">(303) 578-9317</a>, or email '
                        '<a href="mailto:hello@betterlivesbuildingtribes.example">'
                        "hello@betterlivesbuildingtribes.example</a>. We will get back to you within one "
                        "business day to set up a free 15-minute phone consultation.</p>"
                        "<p>On that call, you can share a little about what is going on, ask any questions, and "
                        "decide whether you would like to book a first session. There is no obligation.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "Do you take insurance?",
                    "answer": (
                        "<p>Dr. Meaghan is in network with some plans, so please call to check yours. If she is "
                        "out of network for you, she can give you a monthly superbill to send to your insurer "
                        'for possible reimbursement. The <a href="/fees-and-insurance/">fees and insurance</a> '
                        "page has more detail, including sliding-scale spots.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "Can I have an online session while I’m traveling outside Colorado?",
                    "answer": (
                        "<p>Unfortunately, no. Dr. Meaghan is licensed in Colorado, and licensing rules depend on "
                        "where you are physically located during the session, not where you live. That means you "
                        "need to be in Colorado for every online session, even if you live here and are only "
                        "away for a few days.</p>"
                        "<p>We know this can be frustrating, especially when you want support the most. If you "
                        "have travel coming up, let us know ahead of time. Together we can move your session or "
                        "plan for the time you are away.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "How long is a session?",
                    "answer": (
                        "<p>Sessions are 50 minutes, whether they are individual, couples, or teen sessions, in "
                        "person or online. Most people start with weekly sessions and adjust the rhythm over "
                        "time.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "What if I’m in crisis?",
                    "answer": (
                        "<p>This website, its forms, and our email are not monitored for emergencies. If you are "
                        "in crisis or thinking about harming yourself, please reach out for help right away:</p>"
                        "<ul><li>Call or text <b>988</b> to reach the Suicide &amp; Crisis Lifeline, any time "
                        "of day or night.</li>"
                        "<li>Text <b>HOME</b> to <b>741741</b> to reach the Crisis Text Line.</li>"
                        "<li>Call <b>911</b> or go to the nearest emergency room if you are in immediate "
                        "danger.</li></ul>"
                        "<p>You deserve support right now, and these services are there for exactly that.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "Do you see teens?",
                    "answer": (
                        "<p>Yes. Dr. Meaghan works with teens ages 13 to 17. A parent or guardian needs to be "
                        "involved, starting with consent and the first appointment. After that, teens usually "
                        "have most sessions on their own, with a parent joining from time to time. At the start, "
                        "everyone talks together about what stays private and what gets shared.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "Is what I say confidential?",
                    "answer": (
                        "<p>Yes, with a few important exceptions. What you share in therapy stays between you "
                        "and Dr. Meaghan, and she will not share it without your written permission.</p>"
                        "<p>The law does require her to break confidentiality in a small number of situations, "
                        "such as:</p>"
                        "<ul><li>when there is a serious and immediate risk that you may harm yourself or "
                        "someone else</li>"
                        "<li>when she learns that a child, an older adult, or an at-risk adult is being abused "
                        "or neglected</li>"
                        "<li>when a court orders the release of records</li></ul>"
                        "<p>She will go over these limits with you in your first session, and you are always "
                        "welcome to ask about them.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "How do I cancel or reschedule?",
                    "answer": (
                        "<p>Call or email us at least 48 hours before your session. Sessions cancelled with less "
                        "notice, or missed without notice, are charged the full fee. If something unexpected "
                        "happens, please still get in touch. We will work it out with you.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "question": "How much should I write in the request form?",
                    "answer": (
                        "<p>A sentence or two is plenty. The website is not a secure place for clinical details, "
                        "so please save the fuller story for a phone call or your first session. You can read "
                        'more in our <a href="/privacy-policy/">privacy policy</a>.</p>'
                    ),
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "Still have a question?",
                    "text": "Call or send a request, and we will get back to you within one business day.",
                    "button_label": "",
                    "show_phone": True,
                },
            ),
        ],
    },
    {
        "slug": "privacy-policy",
        "title": "Privacy policy",
        "intro": (
            "How this website handles your information, in plain language. The short version: we collect as little "
            "as we can, and we never sell it or use it for advertising."
        ),
        "search_description": (
            "How Better Lives, Building Tribes handles information sent through this website: what we collect, "
            "what we don’t, and your choices."
        ),
        "show_in_menus": False,
        "body": [
            ("paragraph", "<p><i>Last updated: November 2026</i></p>"),
            ("heading", {"text": "The short version", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>We only collect what you choose to send us.</li>"
                "<li>There is no analytics, tracking, or advertising on this site.</li>"
                "<li>We delete old requests on a set schedule.</li>"
                "<li>You can ask to see or delete your information at any time.</li></ul>",
            ),
            ("heading", {"text": "What we collect", "level": "h2"}),
            ("heading", {"text": "Appointment requests", "level": "h3"}),
            (
                "paragraph",
                "<p>When you fill out the appointment request form, we receive the details you enter, such as "
                "your name, how to reach you, the times that suit you, and a short note about what brings you "
                "in. We use this only to respond to you and arrange a consultation.</p>",
            ),
            ("heading", {"text": "Newsletter", "level": "h3"}),
            (
                "paragraph",
                "<p>If you sign up for the newsletter, we store your email address. We use double opt-in: after "
                "you sign up, we send you an email with a confirmation link, and you are only added to the list "
                "once you click it. Every newsletter includes a link to unsubscribe whenever you like.</p>",
            ),
            ("heading", {"text": "What we do not collect", "level": "h2"}),
            (
                "paragraph",
                "<p>This website does not use:</p>"
                "<ul><li>analytics or visitor tracking of any kind</li>"
                "<li>tracking pixels, social media widgets, or advertising cookies</li>"
                "<li>fonts or scripts loaded from other companies’ servers</li></ul>"
                "<p>The only cookie the site sets is a small security cookie when a form needs one, to protect "
                "your submission from being forged. It is not used to follow you around the web.</p>",
            ),
            ("heading", {"text": "How long we keep things", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>Appointment requests are deleted after one year with no activity.</li>"
                "<li>Messages identified as spam are deleted after 30 days.</li></ul>"
                "<p>Once you become a client, your clinical records are kept separately, under the laws that "
                "apply to health records. Dr. Meaghan will explain how those are handled when you begin.</p>",
            ),
            ("heading", {"text": "Emails to our staff", "level": "h2"}),
            (
                "paragraph",
                "<p>When a new request comes in, the front desk receives a short email saying that a request is "
                "waiting. That email does not include your name, contact details, or message. Staff sign in to a "
                "protected system to read the request itself.</p>",
            ),
            ("heading", {"text": "Your choices", "level": "h2"}),
            (
                "paragraph",
                "<p>You can ask to see the information we hold about you, correct it, or have it deleted. Just "
                'email <a href="mailto:hello@betterlivesbuildingtribes.example">'
                'hello@betterlivesbuildingtribes.example</a> or call <a href="tel:+13035789317">(303) '
                "578-9317</a>. We will reply within one business day and take care of your request as soon as we "
                "can.</p>",
            ),
            ("heading", {"text": "Please keep clinical details off the website", "level": "h2"}),
            (
                "paragraph",
                "<p>This website and ordinary email are not secure channels for clinical information. Please keep "
                "messages brief, and save the details for a phone call or a session.</p>"
                "<p>The website is also not monitored for emergencies. If you are in crisis, call or text 988, "
                "call 911, or text HOME to 741741.</p>",
            ),
            ("heading", {"text": "Contact", "level": "h2"}),
            (
                "paragraph",
                "<p>Questions about this policy are always welcome. You can reach Better Lives, Building Tribes "
                'at <a href="tel:+13035789317">(303) 578-9317</a>, by email at '
                '<a href="mailto:hello@betterlivesbuildingtribes.example">'
                "hello@betterlivesbuildingtribes.example</a>, or by mail at 1550 Larimer Street, Suite 300, "
                "Denver, CO 80202.</p>",
            ),
        ],
    },
    {
        "slug": "accessibility",
        "title": "Accessibility statement",
        "intro": (
            "Everyone should be able to use this website, find what they need, and reach us easily. Here is what we "
            "have done, and how to tell us if something gets in your way."
        ),
        "search_description": (
            "Our commitment to WCAG 2.2 AA, what we have done to make this site easier to use, and how to report "
            "a problem or reach us another way."
        ),
        "show_in_menus": False,
        "body": [
            ("heading", {"text": "Our commitment", "level": "h2"}),
            (
                "paragraph",
                "<p>Reaching out for support can take courage, and a website should never make that harder. We "
                "aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. We treat "
                "accessibility as ongoing care rather than a box we tick once.</p>",
            ),
            ("heading", {"text": "What we have done", "level": "h2"}),
            (
                "paragraph",
                "<ul><li><b>Keyboard use:</b> every link, button, and form field can be reached and used with a "
                "keyboard, with a clear outline showing where you are.</li>"
                "<li><b>Contrast:</b> text and controls have enough contrast to be read comfortably, in both "
                "light and dark themes.</li>"
                "<li><b>Screen readers:</b> pages use clear headings, labels, and landmarks, and images have "
                "text descriptions, so assistive technology can describe each page accurately.</li>"
                "<li><b>Reduced motion:</b> if your device is set to reduce motion, the site keeps movement to "
                "a minimum.</li>"
                "<li><b>Dark mode:</b> the site follows your device’s light or dark setting.</li>"
                "<li><b>Works without JavaScript:</b> all pages and forms work even if JavaScript is turned "
                "off or does not load.</li>"
                "<li><b>Plain language:</b> we write in short paragraphs and everyday words.</li></ul>",
            ),
            ("heading", {"text": "Known limitations", "level": "h2"}),
            (
                "paragraph",
                "<p>We are not aware of any current accessibility barriers on this site. Some older blog articles "
                "may include images with only brief descriptions. We are reviewing those and improving them as we "
                "go.</p>",
            ),
            ("heading", {"text": "Tell us about a problem", "level": "h2"}),
            (
                "paragraph",
                "<p>If anything on this site is hard to use, please let us know. It helps to mention which page "
                "you were on and what happened, but any detail is welcome, and you never need to explain why you "
                "are asking.</p>"
                '<ul><li>Call <a href="tel:+13035789317">(303) 578-9317</a></li>'
                '<li>Email <a href="mailto:hello@betterlivesbuildingtribes.example">'
                "hello@betterlivesbuildingtribes.example</a></li></ul>"
                "<p>We will respond within one business day and let you know what we plan to do.</p>",
            ),
            ("heading", {"text": "Other ways to reach us", "level": "h2"}),
            (
                "paragraph",
                "<p>You never need to use the website to get in touch. You can call "
                '<a href="tel:+13035789317">(303) 578-9317</a> to ask questions, request a consultation, or '
                "schedule a session. If you leave a voicemail, we will call you back within one business day.</p>"
                "<p>If you need an accommodation for the website, for sessions, or for visiting the office, just "
                "ask. We will work with you to find something that suits you.</p>"
                "<p><i>This statement was last reviewed in November 2026.</i></p>",
            ),
        ],
    },
]
