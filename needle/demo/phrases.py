# ruff: noqa: E501  (sentences read better unbroken)
"""What the demo's customers say: sentences per latent theme, with {slots} filled per piece.

Each theme has several ways of saying the same thing (paraphrases) so that its evidence clusters
by meaning, not by identical wording.
"""

from __future__ import annotations

THEME_TEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "slow_board_loading": {
        "subject": ("Board is very slow", "Slow loading", "Kanban board takes ages",
                    "Performance problem on boards", "Board stuck on spinner"),
        "core": (
            "The project board takes {secs} seconds to load every time I open it.",
            "Our kanban board has become painfully slow, it sits on a spinner for {secs} seconds.",
            "Loading the board for {project} takes forever now, sometimes over {secs} seconds.",
            "Boards with more than {n} cards are extremely slow to open and to scroll.",
            "Switching between boards is sluggish, each one needs {secs} seconds before I can click anything.",
            "The board view freezes for a while whenever I open a big project.",
            "Every morning the board loads slower than the day before, it is now around {secs} seconds.",
            "Dragging a card on the board lags a few seconds and the page feels frozen.",
            "Our team board with about {n} tasks barely loads in {browser}.",
            "It takes so long for the board to render that people on my team gave up and use a spreadsheet.",
            "Opening {project} shows a blank board for {secs} seconds before the columns appear.",
            "Page load on the kanban board is terrible since we passed {n} tasks.",
        ),
        "detail": (
            "We have {n} tasks in that project, which does not seem like a lot.",
            "It happens in {browser} on {os} and on my colleague's laptop too.",
            "Other pages like the inbox load fine, it is only the board.",
            "Clearing the cache did not help.",
            "It got noticeably worse over the last few weeks.",
            "My team opens the board dozens of times a day so this adds up.",
            "Filtering the board by assignee makes it even slower.",
        ),
        "survey": (
            "board loading is slow", "Speed. The board is so slow with big projects.",
            "faster boards please", "Make the board load faster, it takes {secs}s",
            "performance of the kanban view", "Boards lag once you have lots of cards",
        ),
    },
    "csv_export_broken": {
        "subject": ("CSV export broken", "Export to CSV fails", "Exported file is garbled",
                    "Cannot export tasks", "CSV download problem"),
        "core": (
            "Exporting tasks to CSV gives me a file with garbled characters.",
            "The CSV export button does nothing, no file is downloaded.",
            "When I export {project} to CSV the columns are shifted and the dates are wrong.",
            "Our CSV export cuts off after {n} rows so we lose most of our tasks.",
            "The exported CSV file opens in Excel with all the accents broken.",
            "CSV export fails with an error message about a timeout.",
            "Export to CSV puts the comments into the wrong columns.",
            "I need the CSV export for my weekly report and it has been broken for days.",
            "The downloaded CSV is empty apart from the header row.",
            "Exporting to CSV mixes up the due date and the created date.",
            "Commas inside task titles break the CSV export, every row is misaligned.",
        ),
        "detail": (
            "I tried in {browser} and in another browser with the same result.",
            "We use the export to build reports for our clients every {weekday}.",
            "The project has about {n} tasks.",
            "Last month the same export worked fine.",
            "Our finance team depends on this file.",
            "I attached a screenshot of what the file looks like in Excel.",
        ),
        "survey": (
            "fix the csv export", "CSV export is unreliable", "Exports. They break all the time.",
            "export to csv/excel that actually works", "the csv file is always garbled",
        ),
    },
    "calendar_sync": {
        "subject": ("Calendar sync not working", "{calendar} sync issue", "Due dates missing from calendar",
                    "Calendar integration broken", "Duplicate calendar events"),
        "core": (
            "Due dates stopped syncing to {calendar}.",
            "The {calendar} integration creates every task twice in my calendar.",
            "Tasks I move to a new date still show the old date in {calendar}.",
            "Calendar sync with {calendar} disconnects every few days and I have to log in again.",
            "Deadlines from {project} never show up in my {calendar}.",
            "The calendar sync is hours behind, my meetings and tasks do not match.",
            "Since last week the {calendar} sync only shows tasks assigned to me, not the team's.",
            "When I delete a task it stays in {calendar} forever.",
            "Two-way sync with {calendar} does not work, changes in the calendar are ignored.",
            "Time zones are wrong in the calendar sync, everything is shifted by a few hours.",
        ),
        "detail": (
            "I reconnected the integration twice already.",
            "We plan our whole week from the calendar so this is a big deal for us.",
            "My teammates on {calendar} see the same problem.",
            "The settings page says the sync is connected.",
            "It used to work when we set it up.",
        ),
        "survey": (
            "calendar sync!!", "Better {calendar} integration", "the calendar sync is flaky",
            "Reliable sync of due dates to my calendar", "calendar duplicates are annoying",
        ),
    },
    "pricing_confusion": {
        "subject": ("Question about pricing", "Billing question", "Seats and plans",
                    "Why was I charged", "Plan comparison"),
        "core": (
            "I do not understand the difference between the Team and Business plans.",
            "Why am I paying for {n} seats when only {m} people use the product?",
            "The pricing page does not say whether guests count as paid seats.",
            "We were charged more than we expected this month and the invoice does not explain why.",
            "It is not clear what happens to our projects if we downgrade to the free plan.",
            "Per-seat pricing is confusing, do deactivated users still count?",
            "Your pricing changed and nobody told us what our new price would be.",
            "I cannot tell from the pricing page which plan includes the calendar integration.",
            "Annual versus monthly billing is confusing, the discount is not shown anywhere.",
            "We are a team of {n} and I cannot work out which plan we need.",
            "The invoice lists seats for people who left the company months ago.",
        ),
        "detail": (
            "Our finance team asked me to explain the invoice and I could not.",
            "I looked at the pricing page and the help center.",
            "We are on the {plan} plan at the moment.",
            "A simple calculator on the pricing page would help.",
            "We might upgrade if the pricing were clearer.",
        ),
        "survey": (
            "pricing is confusing", "Clearer pricing and seat counts", "Too expensive for what we use",
            "cheaper plan for small teams", "I never know what I will be billed",
            "explain the plans better",
        ),
    },
    "mobile_app_crashes": {
        "subject": ("App crashes", "Mobile app keeps crashing", "{os} app crash on launch",
                    "Crash when opening task", "App closes by itself"),
        "core": (
            "The mobile app crashes as soon as I open a task on my {device}.",
            "Since the {app_version} update the {os} app closes itself when I tap on a notification.",
            "The app crashes every time I try to attach a photo to a task.",
            "On my {device} the app freezes and then crashes when I scroll through my tasks.",
            "The {os} app crashes on launch, I cannot use it at all.",
            "Whenever I switch projects in the mobile app it crashes back to the home screen.",
            "The app crashed three times today while I was writing a comment and I lost the text.",
            "Mobile app keeps crashing when I open {project}.",
            "After logging in, the app on my {device} shows a white screen and then quits.",
            "Ticking off a task in the mobile app makes it crash.",
            "The {os} app crashes whenever I lose signal and come back online.",
        ),
        "detail": (
            "I reinstalled the app but it still happens.",
            "I am on app version {app_version}.",
            "I mostly use Tasklane on my phone, so this makes it useless for me.",
            "My phone is up to date.",
            "I have started using another tool on my phone because of this.",
            "It worked fine before the latest update.",
        ),
        "survey": (
            "the app crashes constantly", "Fix the mobile app crashes", "mobile app is unusable, crashes",
            "stop the {os} app from crashing", "App stability. It crashes daily.",
        ),
    },
    "notification_noise": {
        "subject": ("Too many emails", "Notification settings", "Spammed by notifications",
                    "Turn off emails", "Notification overload"),
        "core": (
            "I get an email for every single comment, it is way too many notifications.",
            "There is no way to mute notifications for one project.",
            "My inbox is flooded with Tasklane emails, more than {n} a day.",
            "I want a daily digest instead of an email for every change.",
            "The push notifications on my phone never stop, even at night.",
            "Notifications about tasks I am only watching are drowning the important ones.",
            "I turned off notifications in the settings but I still receive the emails.",
            "Being mentioned once subscribes me to the task forever and I keep getting notified.",
            "My team started ignoring all notifications because there are so many.",
            "The notification settings are too coarse, it is all or nothing.",
        ),
        "detail": (
            "I filtered them into a folder and never read them now.",
            "I manage {n} people so everything they do pings me.",
            "Slack sends the same alerts, so we get everything twice.",
            "We tried the settings page but could not find what we needed.",
        ),
        "survey": (
            "too many notifications", "Less email spam", "notification digest please",
            "let me mute projects", "Fewer notifications, smarter ones",
        ),
    },
    "permissions_roles": {
        "subject": ("Permissions request", "Guest access", "Roles and access", "Admin rights",
                    "Restrict project access"),
        "core": (
            "We need a read-only role for clients so they cannot edit our tasks.",
            "Guests can see every project in the workspace, we need to restrict them to one.",
            "Only admins can create projects and we want team leads to do it too.",
            "There is no way to hide a private project from the rest of the workspace.",
            "I want to give a {role} access to comment but not to change due dates.",
            "Our contractors see internal projects because the permission model is too simple.",
            "We need custom roles, admin and member are not enough for a team of {n}.",
            "A member deleted a whole project by accident, members should not be able to do that.",
            "I cannot transfer ownership of a project when someone leaves the company.",
            "We need permissions per project, not only for the whole workspace.",
        ),
        "detail": (
            "We work with several external agencies.",
            "This is blocking our rollout to the rest of the company.",
            "Our security team asked for it during the review.",
            "Other tools we evaluated have this.",
        ),
        "survey": (
            "better permissions", "Guest access controls", "custom roles", "read only users",
            "Per project permissions", "roles for clients",
        ),
    },
    "search_misses": {
        "subject": ("Search does not find task", "Search results wrong", "Cannot find anything",
                    "Search issue", "Search ignores comments"),
        "core": (
            "Search does not find tasks even when I type the exact title.",
            "Searching for a word that is in a comment returns no results.",
            "I searched for '{word}' and got nothing, although I know the task exists.",
            "Search only looks at titles, it never finds anything in descriptions or attachments.",
            "Archived tasks never show up in search, so I cannot find old work.",
            "The search results are in a random order and the task I want is never at the top.",
            "Search misses tasks from {project} completely.",
            "If I make a small typo the search finds nothing at all.",
            "Searching by assignee or tag is not possible, only plain text.",
            "New tasks take a long time to appear in search results.",
        ),
        "detail": (
            "I end up scrolling through the board to find things instead.",
            "We have about {n} tasks so scrolling is not an option.",
            "The search box is the first thing I use every morning.",
            "My colleagues have the same experience.",
        ),
        "survey": (
            "search is bad", "Better search", "search that finds things in comments",
            "Search never finds what I need", "improve search results",
        ),
    },
    "dark_mode": {
        "subject": ("Dark mode?", "Feature request: dark theme", "Dark theme"),
        "core": (
            "Please add a dark mode, the white screen is hard on the eyes at night.",
            "Is a dark theme on the roadmap? Every other tool we use has one.",
            "I would love a dark mode for the web app.",
            "A dark theme would make long evenings of planning much easier on my eyes.",
            "Dark mode please, my whole desktop is dark and Tasklane is blinding.",
        ),
        "detail": (
            "I work late a lot.", "Even a simple high contrast dark theme would do.",
            "The mobile app could use it too.",
        ),
        "survey": ("dark mode", "Dark theme please", "a dark mode!!", "night mode"),
    },
}

NOISE_TEXT: dict[str, tuple[str, ...]] = {
    "subject": ("Question", "Hello", "Quick question", "Feedback", "Account"),
    "core": (
        "How do I change the email address on my account?",
        "Can I change my profile picture from the mobile app?",
        "Thanks for the great product, our team loves it.",
        "Is there a way to change the language of the interface to German?",
        "I would like to update the billing address on our invoices.",
        "Where can I find the keyboard shortcuts?",
        "Do you have a student discount?",
        "I accidentally created two accounts, can you merge them?",
        "We are moving from another tool, is there an import guide?",
        "Great onboarding, it was easy to get started.",
        "Can I rename a workspace?",
        "Is there an API for creating tasks?",
        "Love the new design, well done.",
        "How do I delete my account?",
        "Can you send me the invoice for last month again?",
        "Our team is happy with Tasklane so far.",
        "Is Tasklane GDPR compliant? Where is your data processing agreement?",
        "How do I add an emoji reaction to a comment?",
    ),
    "detail": (
        "Thanks in advance.", "No rush.", "I could not find it in the help center.",
        "We signed up last week.",
    ),
    "survey": (
        "nothing, it's great", "n/a", "Keep doing what you're doing", "all good",
        "no complaints", "love it", "It does what we need", "more templates maybe",
        "can't think of anything", "good product",
    ),
}

NOISE_TEXT["interview_core"] = (
    "They are mostly happy and would like more project templates.",
    "They asked whether there is a public API for creating tasks from their CRM.",
    "Nothing specific to complain about; the product does what they need.",
    "They would like a way to see all their workspaces in one place.",
    "They asked about a discount for non-profits.",
    "They liked how quickly the team could get started.",
    "They wanted to know if we plan to support German and French in the interface.",
)
NOISE_TEXT["interview_detail"] = (
    "No strong opinions otherwise.", "Happy to be contacted again.",
    "They recommended Tasklane to another team.", "Short call, they were busy.",
)

GREETINGS = ("Hi,", "Hello,", "Hi team,", "Hey,", "Hello Tasklane team,", "", "", "Good morning,")
ASKS = (
    "Can you help?", "Is this a known issue?", "Any idea when this will be fixed?",
    "Please advise.", "What can we do?", "Is there a workaround?", "", "",
)
SIGNOFFS = ("Thanks", "Thanks,", "Best regards", "Cheers", "Thank you!", "", "", "Regards,")
NAMES = ("Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
         "Kate", "Luca", "Maya", "Noah", "Olga", "Priya", "Ravi", "Sofia", "Tom", "Yuki")

ROLES = ("project manager", "team lead", "designer", "engineering manager", "founder",
         "operations lead", "marketing manager", "consultant", "product owner", "office manager")
INDUSTRIES = ("design agency", "software company", "marketing agency", "construction firm",
              "non-profit", "law firm", "e-commerce shop", "consultancy", "school", "startup")
INTERVIEW_OPENERS = (
    "Call with {a_role_title} at a {teamsize}-person {industry}.",
    "Interview: {role_title}, {industry}, team of {teamsize}.",
    "Spoke to {a_role_title} ({industry}, about {teamsize} people).",
    "Customer interview with {a_role_title} from {a_industry}.",
)
INTERVIEW_CONTEXT = (
    "They use Tasklane daily to plan client work.",
    "They moved from spreadsheets about a year ago.",
    "Most of the team works remotely.",
    "They run weekly planning on Mondays from the board.",
    "They are evaluating whether to roll Tasklane out to other departments.",
    "Overall sentiment was positive.",
    "They are on the {plan} plan.",
)
INTERVIEW_FRAMES = (
    "Main pain point: {core_lower}",
    "Biggest frustration was this: {core_lower}",
    "When asked what they would change, they said: \"{core}\"",
    "Quote: \"{core}\"",
    "They brought up, unprompted, that {core_lower}",
)
SURVEY_PREFIXES = ("", "", "", "", "Honestly, ", "Please: ", "1) ", "Mainly ", "For me: ",
                   "Definitely ", "Hmm. ", "Top of my list: ", "Easy one - ", "Again, ")
SURVEY_SUFFIXES = ("", "", "", "", ".", "!", " thanks", " asap", " :)", " please",
                   " - that's it", " for sure", "!!", " (team of {teamsize})")
SURVEY_QUESTIONS = (
    "What is the one thing we should improve?",
    "What almost stopped you from using Tasklane?",
    "Anything else you would like to tell us?",
)

SLOTS: dict[str, tuple[str, ...]] = {
    "device": ("iPhone 13", "iPhone 15", "Pixel 7", "Galaxy S23", "iPad Air", "OnePlus 11",
               "iPhone SE", "Galaxy A54"),
    "calendar": ("Google Calendar", "Outlook", "Google Calendar", "Apple Calendar",
                 "Outlook 365"),
    "project": ("Q3 launch", "Website redesign", "Hiring", "Client onboarding", "Marketing plan",
                "Office move", "Sprint board", "Content calendar", "Product roadmap"),
    "role": ("client", "freelancer", "guest", "contractor", "viewer", "intern"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "word": ("invoice", "onboarding", "budget", "logo", "release notes", "contract", "kickoff"),
    "app_version": ("4.12.0", "4.12.1", "4.13.0"),
}
