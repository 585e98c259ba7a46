/*
 * test_report.c - the reporters (engine/report_*.c): the exact text, JSON
 * (compact and pretty) and YAML renderings of an empty report, a full one and one
 * whose strings need escaping; that the JSON and the YAML parse back, with
 * libyaml's parser, to the same data with the right values and types; and the
 * error returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "report/report.h"

/* ---- a full report: every field set, every list with members ---- */

static const sw_citation housing_cites[] = {
    {"DD", "Stages of dual diagnosis treatment", "at_i4",
     "Help with housing, benefits and legal issues."},
};
static const sw_citation immediate_cites[] = {
    {"DD", "Stages of dual diagnosis treatment", "eng_bp2", "Address immediate needs first."},
    {"ENG", "Engagement stage in depth", NULL, "How Do I Achieve This? / Address Immediate Needs"},
};
static const sw_fact_value immediate_matched[] = {
    {"stage", "Current treatment stage", "engagement", 1, 0},
    {"housing", "Housing status", "rough_sleeping", 1, 0},
};
static const sw_reason housing_reasons[] = {
    {"immediate_needs", "Meet immediate needs before expecting full engagement",
     "Unstable housing is a barrier to engagement", "rules/engagement.sw", 12,
     immediate_cites, 2, immediate_matched, 2},
};
static const sw_citation phq9_cites[] = {
    {"PHQ9", "Patient Health Questionnaire-9", NULL, NULL},
};
static const sw_citation item9_cites[] = {
    {"PHQ9", "Patient Health Questionnaire-9", NULL, "item 9"},
};
static const sw_fact_value item9_matched[] = {
    {"phq9_item9", "PHQ-9 item 9: thoughts of self-harm", "2", 1, 0},
};
static const sw_reason suicide_reasons[] = {
    {"phq9_item9_positive", "Any score above 0 needs a same-day risk assessment", NULL,
     "rules/risks.sw", 40, item9_cites, 1, item9_matched, 1},
};
static const sw_fact_value patient_matched[] = {
    {"substances", "Substances used in the last 28 days", "{opioids, alcohol}", 1, 0},
    {"disengagement_risk", "At risk of disengaging", "unknown", 0, 1},
};
static const sw_reason patient_reasons[] = {
    {"be_patient", "Expect setbacks", NULL, NULL, 0, NULL, 0, patient_matched, 2},
};
static const sw_citation instability_cites[] = {
    {"DD", "Stages of dual diagnosis treatment", "eng_c4", "Housing instability."},
};
static const sw_item full_recommendations[] = {
    {"housing_support", "Housing support", "social", SW_PRIORITY_URGENT, SW_SEVERITY_INFO,
     housing_cites, 1, housing_reasons, 1},
    {"peer_support", "Peer support", NULL, SW_PRIORITY_LOW, SW_SEVERITY_INFO, NULL, 0, NULL, 0},
};
static const sw_item full_advice[] = {
    {"non_confrontational", "Adopt a non-confrontational, empathetic approach", NULL,
     SW_PRIORITY_NORMAL, SW_SEVERITY_INFO, NULL, 0, patient_reasons, 1},
};
static const sw_item full_challenges[] = {
    {"housing_instability", "Housing instability", NULL, SW_PRIORITY_NORMAL,
     SW_SEVERITY_INFO, instability_cites, 1, NULL, 0},
};
static const sw_item full_risks[] = {
    {"suicide", "Suicide or self-harm", NULL, SW_PRIORITY_NORMAL, SW_SEVERITY_CRITICAL,
     phq9_cites, 1, suicide_reasons, 1},
    {"relapse", "Relapse", NULL, SW_PRIORITY_NORMAL, SW_SEVERITY_WARNING, NULL, 0, NULL, 0},
};
static const sw_fact_value hold_matched[] = {
    {"housing", "Housing status", "rough_sleeping", 1, 0},
};
static const sw_reason hold_reasons[] = {
    {"hold_engagement", "Hold engagement while basic needs are unmet",
     "Meet immediate needs first", "rules/stage.sw", 21, NULL, 0, hold_matched, 1},
};
static const sw_fact_value persuasion_matched[] = {
    {"appointments_missed_30d", "Appointments missed in the last 30 days", "0", 1, 0},
};
static const sw_reason persuasion_reasons[] = {
    {"ready_for_persuasion", "Engaged clients move on", "Regular contact for 3 months",
     "rules/stage.sw", 7, NULL, 0, persuasion_matched, 1},
};
static const sw_stage_candidate full_candidates[] = {
    {"engagement", SW_DIRECTION_STAY, 1, hold_reasons, 1},
    {"persuasion", SW_DIRECTION_FORWARD, 0, persuasion_reasons, 1},
};
static const char *const full_undecided[] = {"relapse_check", "retention"};
static const char *const housing_gap_rules[] = {"immediate_needs", "stable_housing"};
static const sw_data_gap full_gaps[] = {
    {"housing", "Housing status", housing_gap_rules, 2, 1, 1, SW_SEVERITY_WARNING, 1,
     SW_PRIORITY_HIGH, 0},
};
static const sw_fact_value full_derived[] = {
    {"disengagement_risk", "At risk of disengaging", "unknown", 0, 1},
    {"retention_met", "Retained for three months", "true", 1, 1},
};
static const sw_report full_report = {
    {"1.0", "0.1.0", "dual_diagnosis", "Dual diagnosis treatment journey", "1.0.0",
     "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "rs-001",
     "2026-11-20"},
    full_recommendations, 2, full_advice, 1, full_challenges, 1, full_risks, 2,
    {"engagement", "engagement", SW_DIRECTION_STAY, "the earliest stage in the order wins",
     full_candidates, 2, full_undecided, 2, 0, 1, SW_VERDICT_CONFLICTING},
    full_gaps, 1, full_derived, 2, 5, 2, 14, NULL, 0,
};

/* ---- an empty report: nothing fired, nothing known, every pointer NULL ---- */

static const sw_report empty_report;

/* ---- strings that need escaping, quoting or replacing ---- */

static const sw_fact_value odd_matched[] = {
    {"notes", "Keyworker's\nnote", "\"line one\nline two\"\t\\ end", 1, 0},
    {"no", "Name", "Jos\xc3\xa9 \xff\xfe M\xc3\xbcller", 1, 0},
};
/* a source named like a YAML boolean, a locator with a quote, a backslash and a
 * line break: the citation key must still read back as written */
static const sw_citation odd_cites[] = {{"on", "Yes", NULL, "say \"hi\" \\ now\n"}};
static const sw_reason odd_reasons[] = {
    {"esc", "Title with \x1b[31mred\x1b[0m", "because\r\n\xc2\x85next", "rules/odd \"x\".sw", 3,
     odd_cites, 1, odd_matched, 2},
};
static const sw_item odd_risks[] = {
    {"odd", "Label \xe2\x80\xa8 separator", NULL, SW_PRIORITY_NORMAL, SW_SEVERITY_INFO, NULL, 0,
     odd_reasons, 1},
};
static const char *const odd_words[] = {
    "no", "Off", "y", "~", "null", "TRUE", "", "12", "-3", "+1", ".5", "0x1f", "1:20",
    "2026-01-01", "=", "<<", "- a", "a: b", "#c", "'", "NaN", "\xf0\x9f\x98\x80", "plain words",
};
static const sw_data_gap odd_gaps[] = {{"no_rules", NULL, NULL, 0, 1, 0, SW_SEVERITY_INFO, 0,
                                        SW_PRIORITY_LOW, 0}};
static const sw_report odd_report = {
    {"1.0", "0.1.0", "g", "Caf\xc3\xa9 \"quoted\" \\ title", "1.0.0", "12345", "deadbeef", "no",
     "2026-01-01"},
    NULL, 0, NULL, 0, NULL, 0, odd_risks, 1,
    {NULL, "persuasion", SW_DIRECTION_UNKNOWN, "true", NULL, 0, odd_words,
     sizeof odd_words / sizeof *odd_words, 1, 0, SW_VERDICT_PROVISIONAL},
    odd_gaps, 1, NULL, 0, 0, 0, 1, NULL, 0,
};

/* ---- expected renderings ---- */

static const char empty_text[] =
    "Client (not given) | assessed (date not given) | (unnamed guideline)\n"
    "\n"
    "Stage: unknown, stay (no rule proposed a move)\n"
    "  policy: (not stated)\n"
    "  undecided move rules: none\n"
    "\n"
    "Risks\n"
    "  none\n"
    "\n"
    "Recommendations\n"
    "  none\n"
    "\n"
    "Advice\n"
    "  none\n"
    "\n"
    "Challenges\n"
    "  none\n"
    "\n"
    "Data gaps\n"
    "  none\n"
    "\n"
    "Derived facts\n"
    "  none\n"
    "\n"
    "Citations\n"
    "  none\n"
    "\n"
    "Sources\n"
    "  none\n"
    "\n"
    "Rules: 0 fired, 0 undecided, 0 in total\n"
    "\n"
    "Provenance\n"
    "  guideline       (not given)\n"
    "  ruleset sha256  (not given)\n"
    "  facts sha256    (not given)\n"
    "  engine          (not given)\n"
    "  result format   3.0\n";
static const char empty_json_compact[] =
    "{\"format\":\"stagewise-result\",\"format_version\":\"3.0\",\"provenance\":{\"engine_version\":null,\"g"
    "uideline\":null,\"guideline_title\":null,\"guideline_version\":null,\"ruleset_sha256\":null,\"fact"
    "s_sha256\":null,\"client\":null,\"assessed_on\":null},\"recommendations\":[],\"advice\":[],\"challen"
    "ges\":[],\"risks\":[],\"stage\":{\"current\":null,\"suggested\":null,\"direction\":\"stay\",\"status\":\"d"
    "ecided\",\"provisional\":false,\"conflicting\":false,\"policy\":null,\"candidates\":[],\"undecided_r"
    "ules\":[]},\"data_gaps\":[],\"rules\":[],\"undecided\":[],\"facts\":[],\"statements\":[],\"sources\":[]"
    ",\"summary\":{\"rules_total\":0,\"rules_fired\":0,\"rules_undecided\":0}}\n";
static const char empty_json_pretty[] =
    "{\n"
    "  \"format\": \"stagewise-result\",\n"
    "  \"format_version\": \"3.0\",\n"
    "  \"provenance\": {\n"
    "    \"engine_version\": null,\n"
    "    \"guideline\": null,\n"
    "    \"guideline_title\": null,\n"
    "    \"guideline_version\": null,\n"
    "    \"ruleset_sha256\": null,\n"
    "    \"facts_sha256\": null,\n"
    "    \"client\": null,\n"
    "    \"assessed_on\": null\n"
    "  },\n"
    "  \"recommendations\": [],\n"
    "  \"advice\": [],\n"
    "  \"challenges\": [],\n"
    "  \"risks\": [],\n"
    "  \"stage\": {\n"
    "    \"current\": null,\n"
    "    \"suggested\": null,\n"
    "    \"direction\": \"stay\",\n"
    "    \"status\": \"decided\",\n"
    "    \"provisional\": false,\n"
    "    \"conflicting\": false,\n"
    "    \"policy\": null,\n"
    "    \"candidates\": [],\n"
    "    \"undecided_rules\": []\n"
    "  },\n"
    "  \"data_gaps\": [],\n"
    "  \"rules\": [],\n"
    "  \"undecided\": [],\n"
    "  \"facts\": [],\n"
    "  \"statements\": [],\n"
    "  \"sources\": [],\n"
    "  \"summary\": {\n"
    "    \"rules_total\": 0,\n"
    "    \"rules_fired\": 0,\n"
    "    \"rules_undecided\": 0\n"
    "  }\n"
    "}\n";
static const char empty_yaml[] =
    "---\n"
    "format: stagewise-result\n"
    "format_version: '3.0'\n"
    "provenance:\n"
    "  engine_version: null\n"
    "  guideline: null\n"
    "  guideline_title: null\n"
    "  guideline_version: null\n"
    "  ruleset_sha256: null\n"
    "  facts_sha256: null\n"
    "  client: null\n"
    "  assessed_on: null\n"
    "recommendations: []\n"
    "advice: []\n"
    "challenges: []\n"
    "risks: []\n"
    "stage:\n"
    "  current: null\n"
    "  suggested: null\n"
    "  direction: stay\n"
    "  status: decided\n"
    "  provisional: false\n"
    "  conflicting: false\n"
    "  policy: null\n"
    "  candidates: []\n"
    "  undecided_rules: []\n"
    "data_gaps: []\n"
    "rules: []\n"
    "undecided: []\n"
    "facts: []\n"
    "statements: []\n"
    "sources: []\n"
    "summary:\n"
    "  rules_total: 0\n"
    "  rules_fired: 0\n"
    "  rules_undecided: 0\n";
static const char full_text[] =
    "Client rs-001 | assessed 2026-11-20 | Dual diagnosis treatment journey 1.0.0\n"
    "\n"
    "Stage: engagement, stay [CONFLICTING: do not act on the direction]\n"
    "  policy: the earliest stage in the order wins\n"
    "  proposed: engagement (stay, chosen)\n"
    "    - rule hold_engagement (rules/stage.sw:21): Hold engagement while basic needs are unme"
    "t\n"
    "      because: Meet immediate needs first\n"
    "      matched: housing = rough_sleeping\n"
    "  proposed: persuasion (forward)\n"
    "    - rule ready_for_persuasion (rules/stage.sw:7): Engaged clients move on\n"
    "      because: Regular contact for 3 months\n"
    "      matched: appointments_missed_30d = 0\n"
    "  undecided move rules: relapse_check, retention\n"
    "  CONFLICTING: the rules propose different stages; the policy suggests the earliest, but c"
    "heck each reason before acting\n"
    "\n"
    "Risks\n"
    "  CRITICAL  suicide  Suicide or self-harm\n"
    "    cites: PHQ9\n"
    "    - rule phq9_item9_positive (rules/risks.sw:40): Any score above 0 needs a same-day ris"
    "k assessment\n"
    "      cites: PHQ9 \"item 9\"\n"
    "      matched: phq9_item9 = 2\n"
    "  WARNING   relapse  Relapse\n"
    "\n"
    "Recommendations\n"
    "  1. [urgent] housing_support  Housing support (social)\n"
    "    cites: DD.at_i4\n"
    "    - rule immediate_needs (rules/engagement.sw:12): Meet immediate needs before expecting"
    " full engagement\n"
    "      because: Unstable housing is a barrier to engagement\n"
    "      cites: DD.eng_bp2, ENG \"How Do I Achieve This? / Address Immediate Needs\"\n"
    "      matched: stage = engagement; housing = rough_sleeping\n"
    "  2. [low] peer_support  Peer support\n"
    "\n"
    "Advice\n"
    "  non_confrontational  Adopt a non-confrontational, empathetic approach\n"
    "    - rule be_patient: Expect setbacks\n"
    "      matched: substances = {opioids, alcohol}; disengagement_risk = unknown\n"
    "\n"
    "Challenges\n"
    "  housing_instability  Housing instability\n"
    "    cites: DD.eng_c4\n"
    "\n"
    "Data gaps\n"
    "  ask about housing (Housing status): would decide immediate_needs, stable_housing\n"
    "\n"
    "Derived facts\n"
    "  disengagement_risk = unknown (At risk of disengaging)\n"
    "  retention_met = true (Retained for three months)\n"
    "\n"
    "Citations\n"
    "  DD.at_i4: Help with housing, benefits and legal issues.\n"
    "  DD.eng_bp2: Address immediate needs first.\n"
    "  DD.eng_c4: Housing instability.\n"
    "  ENG \"How Do I Achieve This? / Address Immediate Needs\"\n"
    "  PHQ9\n"
    "  PHQ9 \"item 9\"\n"
    "\n"
    "Sources\n"
    "  DD: Stages of dual diagnosis treatment\n"
    "  ENG: Engagement stage in depth\n"
    "  PHQ9: Patient Health Questionnaire-9\n"
    "\n"
    "Rules: 5 fired, 2 undecided, 14 in total\n"
    "\n"
    "Provenance\n"
    "  guideline       dual_diagnosis 1.0.0\n"
    "  ruleset sha256  0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n"
    "  facts sha256    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
    "  engine          0.1.0\n"
    "  result format   1.0\n";
static const char full_json_compact[] =
    "{\"format\":\"stagewise-result\",\"format_version\":\"3.0\",\"provenance\":{\"engine_version\":\"0.1.0\""
    ",\"guideline\":\"dual_diagnosis\",\"guideline_title\":\"Dual diagnosis treatment journey\",\"guidel"
    "ine_version\":\"1.0.0\",\"ruleset_sha256\":\"0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978879"
    "6a5b4c3d2e1f0\",\"facts_sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b785"
    "2b855\",\"client\":\"rs-001\",\"assessed_on\":\"2026-11-20\"},\"recommendations\":[{\"id\":\"housing_sup"
    "port\",\"label\":\"Housing support\",\"kind\":\"social\",\"priority\":\"urgent\",\"cites\":[0],\"reasons\":"
    "[{\"rule\":2,\"because\":\"Unstable housing is a barrier to engagement\"}]},{\"id\":\"peer_support\""
    ",\"label\":\"Peer support\",\"kind\":null,\"priority\":\"low\",\"cites\":[],\"reasons\":[]}],\"advice\":[{"
    "\"id\":\"non_confrontational\",\"label\":\"Adopt a non-confrontational, empathetic approach\",\"cit"
    "es\":[],\"reasons\":[{\"rule\":0,\"because\":null}]}],\"challenges\":[{\"id\":\"housing_instability\",\""
    "label\":\"Housing instability\",\"cites\":[2],\"reasons\":[]}],\"risks\":[{\"id\":\"suicide\",\"label\":\""
    "Suicide or self-harm\",\"severity\":\"critical\",\"cites\":[4],\"reasons\":[{\"rule\":3,\"because\":nul"
    "l}]},{\"id\":\"relapse\",\"label\":\"Relapse\",\"severity\":\"warning\",\"cites\":[],\"reasons\":[]}],\"sta"
    "ge\":{\"current\":\"engagement\",\"suggested\":\"engagement\",\"direction\":\"undecided\",\"status\":\"con"
    "flicting\",\"provisional\":false,\"conflicting\":true,\"policy\":\"the earliest stage in the order"
    " wins\",\"candidates\":[{\"stage\":\"engagement\",\"direction\":\"stay\",\"chosen\":true,\"reasons\":[{\"r"
    "ule\":1,\"because\":\"Meet immediate needs first\"}]},{\"stage\":\"persuasion\",\"direction\":\"forwar"
    "d\",\"chosen\":false,\"reasons\":[{\"rule\":4,\"because\":\"Regular contact for 3 months\"}]}],\"undec"
    "ided_rules\":[1,2]},\"data_gaps\":[{\"fact\":2,\"rank\":1,\"would_decide\":{\"risk\":\"warning\",\"recom"
    "mendation\":\"high\",\"stage_move\":false},\"rules\":[0,3]}],\"rules\":[{\"id\":\"be_patient\",\"title\":"
    "\"Expect setbacks\",\"at\":null,\"cites\":[],\"matched\":[6,1]},{\"id\":\"hold_engagement\",\"title\":\"H"
    "old engagement while basic needs are unmet\",\"at\":\"rules/stage.sw:21\",\"cites\":[],\"matched\":"
    "[2]},{\"id\":\"immediate_needs\",\"title\":\"Meet immediate needs before expecting full engagemen"
    "t\",\"at\":\"rules/engagement.sw:12\",\"cites\":[1,3],\"matched\":[5,2]},{\"id\":\"phq9_item9_positive"
    "\",\"title\":\"Any score above 0 needs a same-day risk assessment\",\"at\":\"rules/risks.sw:40\",\"c"
    "ites\":[5],\"matched\":[3]},{\"id\":\"ready_for_persuasion\",\"title\":\"Engaged clients move on\",\"a"
    "t\":\"rules/stage.sw:7\",\"cites\":[],\"matched\":[0]}],\"undecided\":[\"immediate_needs\",\"relapse_c"
    "heck\",\"retention\",\"stable_housing\"],\"facts\":[{\"name\":\"appointments_missed_30d\",\"label\":\"Ap"
    "pointments missed in the last 30 days\",\"value\":\"0\",\"derived\":false},{\"name\":\"disengagement"
    "_risk\",\"label\":\"At risk of disengaging\",\"value\":null,\"derived\":true},{\"name\":\"housing\",\"la"
    "bel\":\"Housing status\",\"value\":\"rough_sleeping\",\"derived\":false},{\"name\":\"phq9_item9\",\"labe"
    "l\":\"PHQ-9 item 9: thoughts of self-harm\",\"value\":\"2\",\"derived\":false},{\"name\":\"retention_m"
    "et\",\"label\":\"Retained for three months\",\"value\":\"true\",\"derived\":true},{\"name\":\"stage\",\"la"
    "bel\":\"Current treatment stage\",\"value\":\"engagement\",\"derived\":false},{\"name\":\"substances\","
    "\"label\":\"Substances used in the last 28 days\",\"value\":\"{opioids, alcohol}\",\"derived\":false"
    "}],\"statements\":[{\"key\":\"DD.at_i4\",\"source\":0,\"text\":\"Help with housing, benefits and lega"
    "l issues.\"},{\"key\":\"DD.eng_bp2\",\"source\":0,\"text\":\"Address immediate needs first.\"},{\"key\""
    ":\"DD.eng_c4\",\"source\":0,\"text\":\"Housing instability.\"},{\"key\":\"ENG \\\"How Do I Achieve This"
    "? / Address Immediate Needs\\\"\",\"source\":1,\"text\":\"How Do I Achieve This? / Address Immedia"
    "te Needs\"},{\"key\":\"PHQ9\",\"source\":2,\"text\":null},{\"key\":\"PHQ9 \\\"item 9\\\"\",\"source\":2,\"text"
    "\":\"item 9\"}],\"sources\":[{\"id\":\"DD\",\"title\":\"Stages of dual diagnosis treatment\"},{\"id\":\"EN"
    "G\",\"title\":\"Engagement stage in depth\"},{\"id\":\"PHQ9\",\"title\":\"Patient Health Questionnaire"
    "-9\"}],\"summary\":{\"rules_total\":14,\"rules_fired\":5,\"rules_undecided\":2}}\n";
static const char full_json_pretty[] =
    "{\n"
    "  \"format\": \"stagewise-result\",\n"
    "  \"format_version\": \"3.0\",\n"
    "  \"provenance\": {\n"
    "    \"engine_version\": \"0.1.0\",\n"
    "    \"guideline\": \"dual_diagnosis\",\n"
    "    \"guideline_title\": \"Dual diagnosis treatment journey\",\n"
    "    \"guideline_version\": \"1.0.0\",\n"
    "    \"ruleset_sha256\": \"0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\",\n"
    "    \"facts_sha256\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\n"
    "    \"client\": \"rs-001\",\n"
    "    \"assessed_on\": \"2026-11-20\"\n"
    "  },\n"
    "  \"recommendations\": [\n"
    "    {\n"
    "      \"id\": \"housing_support\",\n"
    "      \"label\": \"Housing support\",\n"
    "      \"kind\": \"social\",\n"
    "      \"priority\": \"urgent\",\n"
    "      \"cites\": [0],\n"
    "      \"reasons\": [\n"
    "        {\"rule\": 2, \"because\": \"Unstable housing is a barrier to engagement\"}\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"id\": \"peer_support\",\n"
    "      \"label\": \"Peer support\",\n"
    "      \"kind\": null,\n"
    "      \"priority\": \"low\",\n"
    "      \"cites\": [],\n"
    "      \"reasons\": []\n"
    "    }\n"
    "  ],\n"
    "  \"advice\": [\n"
    "    {\n"
    "      \"id\": \"non_confrontational\",\n"
    "      \"label\": \"Adopt a non-confrontational, empathetic approach\",\n"
    "      \"cites\": [],\n"
    "      \"reasons\": [\n"
    "        {\"rule\": 0, \"because\": null}\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"challenges\": [\n"
    "    {\n"
    "      \"id\": \"housing_instability\",\n"
    "      \"label\": \"Housing instability\",\n"
    "      \"cites\": [2],\n"
    "      \"reasons\": []\n"
    "    }\n"
    "  ],\n"
    "  \"risks\": [\n"
    "    {\n"
    "      \"id\": \"suicide\",\n"
    "      \"label\": \"Suicide or self-harm\",\n"
    "      \"severity\": \"critical\",\n"
    "      \"cites\": [4],\n"
    "      \"reasons\": [\n"
    "        {\"rule\": 3, \"because\": null}\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"id\": \"relapse\",\n"
    "      \"label\": \"Relapse\",\n"
    "      \"severity\": \"warning\",\n"
    "      \"cites\": [],\n"
    "      \"reasons\": []\n"
    "    }\n"
    "  ],\n"
    "  \"stage\": {\n"
    "    \"current\": \"engagement\",\n"
    "    \"suggested\": \"engagement\",\n"
    "    \"direction\": \"undecided\",\n"
    "    \"status\": \"conflicting\",\n"
    "    \"provisional\": false,\n"
    "    \"conflicting\": true,\n"
    "    \"policy\": \"the earliest stage in the order wins\",\n"
    "    \"candidates\": [\n"
    "      {\n"
    "        \"stage\": \"engagement\",\n"
    "        \"direction\": \"stay\",\n"
    "        \"chosen\": true,\n"
    "        \"reasons\": [\n"
    "          {\"rule\": 1, \"because\": \"Meet immediate needs first\"}\n"
    "        ]\n"
    "      },\n"
    "      {\n"
    "        \"stage\": \"persuasion\",\n"
    "        \"direction\": \"forward\",\n"
    "        \"chosen\": false,\n"
    "        \"reasons\": [\n"
    "          {\"rule\": 4, \"because\": \"Regular contact for 3 months\"}\n"
    "        ]\n"
    "      }\n"
    "    ],\n"
    "    \"undecided_rules\": [1, 2]\n"
    "  },\n"
    "  \"data_gaps\": [\n"
    "    {\"fact\": 2, \"rank\": 1, \"would_decide\": {\"risk\": \"warning\", \"recommendation\": \"high\", \""
    "stage_move\": false}, \"rules\": [0, 3]}\n"
    "  ],\n"
    "  \"rules\": [\n"
    "    {\"id\": \"be_patient\", \"title\": \"Expect setbacks\", \"at\": null, \"cites\": [], \"matched\": ["
    "6, 1]},\n"
    "    {\"id\": \"hold_engagement\", \"title\": \"Hold engagement while basic needs are unmet\", \"at\""
    ": \"rules/stage.sw:21\", \"cites\": [], \"matched\": [2]},\n"
    "    {\"id\": \"immediate_needs\", \"title\": \"Meet immediate needs before expecting full engagem"
    "ent\", \"at\": \"rules/engagement.sw:12\", \"cites\": [1, 3], \"matched\": [5, 2]},\n"
    "    {\"id\": \"phq9_item9_positive\", \"title\": \"Any score above 0 needs a same-day risk assess"
    "ment\", \"at\": \"rules/risks.sw:40\", \"cites\": [5], \"matched\": [3]},\n"
    "    {\"id\": \"ready_for_persuasion\", \"title\": \"Engaged clients move on\", \"at\": \"rules/stage."
    "sw:7\", \"cites\": [], \"matched\": [0]}\n"
    "  ],\n"
    "  \"undecided\": [\"immediate_needs\", \"relapse_check\", \"retention\", \"stable_housing\"],\n"
    "  \"facts\": [\n"
    "    {\"name\": \"appointments_missed_30d\", \"label\": \"Appointments missed in the last 30 days\""
    ", \"value\": \"0\", \"derived\": false},\n"
    "    {\"name\": \"disengagement_risk\", \"label\": \"At risk of disengaging\", \"value\": null, \"deri"
    "ved\": true},\n"
    "    {\"name\": \"housing\", \"label\": \"Housing status\", \"value\": \"rough_sleeping\", \"derived\": f"
    "alse},\n"
    "    {\"name\": \"phq9_item9\", \"label\": \"PHQ-9 item 9: thoughts of self-harm\", \"value\": \"2\", \""
    "derived\": false},\n"
    "    {\"name\": \"retention_met\", \"label\": \"Retained for three months\", \"value\": \"true\", \"deri"
    "ved\": true},\n"
    "    {\"name\": \"stage\", \"label\": \"Current treatment stage\", \"value\": \"engagement\", \"derived\""
    ": false},\n"
    "    {\"name\": \"substances\", \"label\": \"Substances used in the last 28 days\", \"value\": \"{opio"
    "ids, alcohol}\", \"derived\": false}\n"
    "  ],\n"
    "  \"statements\": [\n"
    "    {\"key\": \"DD.at_i4\", \"source\": 0, \"text\": \"Help with housing, benefits and legal issues"
    ".\"},\n"
    "    {\"key\": \"DD.eng_bp2\", \"source\": 0, \"text\": \"Address immediate needs first.\"},\n"
    "    {\"key\": \"DD.eng_c4\", \"source\": 0, \"text\": \"Housing instability.\"},\n"
    "    {\"key\": \"ENG \\\"How Do I Achieve This? / Address Immediate Needs\\\"\", \"source\": 1, \"text"
    "\": \"How Do I Achieve This? / Address Immediate Needs\"},\n"
    "    {\"key\": \"PHQ9\", \"source\": 2, \"text\": null},\n"
    "    {\"key\": \"PHQ9 \\\"item 9\\\"\", \"source\": 2, \"text\": \"item 9\"}\n"
    "  ],\n"
    "  \"sources\": [\n"
    "    {\"id\": \"DD\", \"title\": \"Stages of dual diagnosis treatment\"},\n"
    "    {\"id\": \"ENG\", \"title\": \"Engagement stage in depth\"},\n"
    "    {\"id\": \"PHQ9\", \"title\": \"Patient Health Questionnaire-9\"}\n"
    "  ],\n"
    "  \"summary\": {\n"
    "    \"rules_total\": 14,\n"
    "    \"rules_fired\": 5,\n"
    "    \"rules_undecided\": 2\n"
    "  }\n"
    "}\n";
static const char full_yaml[] =
    "---\n"
    "format: stagewise-result\n"
    "format_version: '3.0'\n"
    "provenance:\n"
    "  engine_version: '0.1.0'\n"
    "  guideline: dual_diagnosis\n"
    "  guideline_title: Dual diagnosis treatment journey\n"
    "  guideline_version: '1.0.0'\n"
    "  ruleset_sha256: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0'\n"
    "  facts_sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
    "  client: rs-001\n"
    "  assessed_on: '2026-11-20'\n"
    "recommendations:\n"
    "- id: housing_support\n"
    "  label: Housing support\n"
    "  kind: social\n"
    "  priority: urgent\n"
    "  cites:\n"
    "  - 0\n"
    "  reasons:\n"
    "  - rule: 2\n"
    "    because: Unstable housing is a barrier to engagement\n"
    "- id: peer_support\n"
    "  label: Peer support\n"
    "  kind: null\n"
    "  priority: low\n"
    "  cites: []\n"
    "  reasons: []\n"
    "advice:\n"
    "- id: non_confrontational\n"
    "  label: Adopt a non-confrontational, empathetic approach\n"
    "  cites: []\n"
    "  reasons:\n"
    "  - rule: 0\n"
    "    because: null\n"
    "challenges:\n"
    "- id: housing_instability\n"
    "  label: Housing instability\n"
    "  cites:\n"
    "  - 2\n"
    "  reasons: []\n"
    "risks:\n"
    "- id: suicide\n"
    "  label: Suicide or self-harm\n"
    "  severity: critical\n"
    "  cites:\n"
    "  - 4\n"
    "  reasons:\n"
    "  - rule: 3\n"
    "    because: null\n"
    "- id: relapse\n"
    "  label: Relapse\n"
    "  severity: warning\n"
    "  cites: []\n"
    "  reasons: []\n"
    "stage:\n"
    "  current: engagement\n"
    "  suggested: engagement\n"
    "  direction: undecided\n"
    "  status: conflicting\n"
    "  provisional: false\n"
    "  conflicting: true\n"
    "  policy: the earliest stage in the order wins\n"
    "  candidates:\n"
    "  - stage: engagement\n"
    "    direction: stay\n"
    "    chosen: true\n"
    "    reasons:\n"
    "    - rule: 1\n"
    "      because: Meet immediate needs first\n"
    "  - stage: persuasion\n"
    "    direction: forward\n"
    "    chosen: false\n"
    "    reasons:\n"
    "    - rule: 4\n"
    "      because: Regular contact for 3 months\n"
    "  undecided_rules:\n"
    "  - 1\n"
    "  - 2\n"
    "data_gaps:\n"
    "- fact: 2\n"
    "  rank: 1\n"
    "  would_decide:\n"
    "    risk: warning\n"
    "    recommendation: high\n"
    "    stage_move: false\n"
    "  rules:\n"
    "  - 0\n"
    "  - 3\n"
    "rules:\n"
    "- id: be_patient\n"
    "  title: Expect setbacks\n"
    "  at: null\n"
    "  cites: []\n"
    "  matched:\n"
    "  - 6\n"
    "  - 1\n"
    "- id: hold_engagement\n"
    "  title: Hold engagement while basic needs are unmet\n"
    "  at: rules/stage.sw:21\n"
    "  cites: []\n"
    "  matched:\n"
    "  - 2\n"
    "- id: immediate_needs\n"
    "  title: Meet immediate needs before expecting full engagement\n"
    "  at: rules/engagement.sw:12\n"
    "  cites:\n"
    "  - 1\n"
    "  - 3\n"
    "  matched:\n"
    "  - 5\n"
    "  - 2\n"
    "- id: phq9_item9_positive\n"
    "  title: Any score above 0 needs a same-day risk assessment\n"
    "  at: rules/risks.sw:40\n"
    "  cites:\n"
    "  - 5\n"
    "  matched:\n"
    "  - 3\n"
    "- id: ready_for_persuasion\n"
    "  title: Engaged clients move on\n"
    "  at: rules/stage.sw:7\n"
    "  cites: []\n"
    "  matched:\n"
    "  - 0\n"
    "undecided:\n"
    "- immediate_needs\n"
    "- relapse_check\n"
    "- retention\n"
    "- stable_housing\n"
    "facts:\n"
    "- name: appointments_missed_30d\n"
    "  label: Appointments missed in the last 30 days\n"
    "  value: '0'\n"
    "  derived: false\n"
    "- name: disengagement_risk\n"
    "  label: At risk of disengaging\n"
    "  value: null\n"
    "  derived: true\n"
    "- name: housing\n"
    "  label: Housing status\n"
    "  value: rough_sleeping\n"
    "  derived: false\n"
    "- name: phq9_item9\n"
    "  label: 'PHQ-9 item 9: thoughts of self-harm'\n"
    "  value: '2'\n"
    "  derived: false\n"
    "- name: retention_met\n"
    "  label: Retained for three months\n"
    "  value: 'true'\n"
    "  derived: true\n"
    "- name: stage\n"
    "  label: Current treatment stage\n"
    "  value: engagement\n"
    "  derived: false\n"
    "- name: substances\n"
    "  label: Substances used in the last 28 days\n"
    "  value: '{opioids, alcohol}'\n"
    "  derived: false\n"
    "statements:\n"
    "- key: DD.at_i4\n"
    "  source: 0\n"
    "  text: Help with housing, benefits and legal issues.\n"
    "- key: DD.eng_bp2\n"
    "  source: 0\n"
    "  text: Address immediate needs first.\n"
    "- key: DD.eng_c4\n"
    "  source: 0\n"
    "  text: Housing instability.\n"
    "- key: ENG \"How Do I Achieve This? / Address Immediate Needs\"\n"
    "  source: 1\n"
    "  text: How Do I Achieve This? / Address Immediate Needs\n"
    "- key: PHQ9\n"
    "  source: 2\n"
    "  text: null\n"
    "- key: PHQ9 \"item 9\"\n"
    "  source: 2\n"
    "  text: item 9\n"
    "sources:\n"
    "- id: DD\n"
    "  title: Stages of dual diagnosis treatment\n"
    "- id: ENG\n"
    "  title: Engagement stage in depth\n"
    "- id: PHQ9\n"
    "  title: Patient Health Questionnaire-9\n"
    "summary:\n"
    "  rules_total: 14\n"
    "  rules_fired: 5\n"
    "  rules_undecided: 2\n";
static const char odd_text[] =
    "Client no | assessed 2026-01-01 | Caf\xc3\xa9 \"quoted\" \\ title 1.0.0\n"
    "\n"
    "Stage: unknown -> persuasion (direction unknown; no rule proposed a move) [PROVISIONAL: do"
    " not act on the direction]\n"
    "  policy: true\n"
    "  undecided move rules: no, Off, y, ~, null, TRUE, , 12, -3, +1, .5, 0x1f, 1:20, 2026-01-0"
    "1, =, <<, - a, a: b, #c, ', NaN, \xf0\x9f\x98\x80, plain words\n"
    "  PROVISIONAL: an undecided rule could move the client to an earlier stage; record the mis"
    "sing facts (data gaps) to settle it\n"
    "\n"
    "Risks\n"
    "  INFO      odd  Label \\u2028 separator\n"
    "    - rule esc (rules/odd \"x\".sw:3): Title with \\x1b[31mred\\x1b[0m\n"
    "      because: because\\r\\n\\u0085next\n"
    "      cites: on \"say \\\"hi\\\" \\\\ now\\n\"\n"
    "      matched: notes = \"line one\\nline two\"\\t\\ end; no = Jos\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd M\xc3\xbcller\n"
    "\n"
    "Recommendations\n"
    "  none\n"
    "\n"
    "Advice\n"
    "  none\n"
    "\n"
    "Challenges\n"
    "  none\n"
    "\n"
    "Data gaps\n"
    "  ask about no_rules\n"
    "\n"
    "Derived facts\n"
    "  none\n"
    "\n"
    "Citations\n"
    "  on \"say \\\"hi\\\" \\\\ now\\n\"\n"
    "\n"
    "Sources\n"
    "  on: Yes\n"
    "\n"
    "Rules: 0 fired, 0 undecided, 1 in total\n"
    "\n"
    "Provenance\n"
    "  guideline       g 1.0.0\n"
    "  ruleset sha256  12345\n"
    "  facts sha256    deadbeef\n"
    "  engine          0.1.0\n"
    "  result format   1.0\n";
static const char odd_json_compact[] =
    "{\"format\":\"stagewise-result\",\"format_version\":\"3.0\",\"provenance\":{\"engine_version\":\"0.1.0\""
    ",\"guideline\":\"g\",\"guideline_title\":\"Caf\xc3\xa9 \\\"quoted\\\" \\\\ title\",\"guideline_version\":\"1.0.0\""
    ",\"ruleset_sha256\":\"12345\",\"facts_sha256\":\"deadbeef\",\"client\":\"no\",\"assessed_on\":\"2026-01-0"
    "1\"},\"recommendations\":[],\"advice\":[],\"challenges\":[],\"risks\":[{\"id\":\"odd\",\"label\":\"Label \\"
    "u2028 separator\",\"severity\":\"info\",\"cites\":[],\"reasons\":[{\"rule\":0,\"because\":\"because\\r\\n\\"
    "u0085next\"}]}],\"stage\":{\"current\":null,\"suggested\":\"persuasion\",\"direction\":\"undecided\",\"s"
    "tatus\":\"provisional\",\"provisional\":true,\"conflicting\":false,\"policy\":\"true\",\"candidates\":["
    "],\"undecided_rules\":[17,14,20,21,18,15,0,8,5,3,6,7,9,10,12,11,4,16,1,2,13,22,19]},\"data_ga"
    "ps\":[{\"fact\":1,\"rank\":1,\"would_decide\":{\"risk\":null,\"recommendation\":null,\"stage_move\":fal"
    "se},\"rules\":[]}],\"rules\":[{\"id\":\"esc\",\"title\":\"Title with \\u001b[31mred\\u001b[0m\",\"at\":\"ru"
    "les/odd \\\"x\\\".sw:3\",\"cites\":[0],\"matched\":[2,0]}],\"undecided\":[\"\",\"#c\",\"'\",\"+1\",\"- a\",\"-3\""
    ",\".5\",\"0x1f\",\"12\",\"1:20\",\"2026-01-01\",\"<<\",\"=\",\"NaN\",\"Off\",\"TRUE\",\"a: b\",\"no\",\"null\",\"plai"
    "n words\",\"y\",\"~\",\"\xf0\x9f\x98\x80\"],\"facts\":[{\"name\":\"no\",\"label\":\"Name\",\"value\":\"Jos\xc3\xa9 \\ufffd\\ufffd "
    "M\xc3\xbcller\",\"derived\":false},{\"name\":\"no_rules\",\"label\":null,\"value\":null,\"derived\":false},{\""
    "name\":\"notes\",\"label\":\"Keyworker's\\nnote\",\"value\":\"\\\"line one\\nline two\\\"\\t\\\\ end\",\"derive"
    "d\":false}],\"statements\":[{\"key\":\"on \\\"say \\\\\\\"hi\\\\\\\" \\\\\\\\ now\\n\\\"\",\"source\":0,\"text\":\"say "
    "\\\"hi\\\" \\\\ now\\n\"}],\"sources\":[{\"id\":\"on\",\"title\":\"Yes\"}],\"summary\":{\"rules_total\":1,\"rules"
    "_fired\":0,\"rules_undecided\":0}}\n";
static const char odd_yaml[] =
    "---\n"
    "format: stagewise-result\n"
    "format_version: '3.0'\n"
    "provenance:\n"
    "  engine_version: '0.1.0'\n"
    "  guideline: g\n"
    "  guideline_title: Caf\xc3\xa9 \"quoted\" \\ title\n"
    "  guideline_version: '1.0.0'\n"
    "  ruleset_sha256: '12345'\n"
    "  facts_sha256: deadbeef\n"
    "  client: 'no'\n"
    "  assessed_on: '2026-01-01'\n"
    "recommendations: []\n"
    "advice: []\n"
    "challenges: []\n"
    "risks:\n"
    "- id: odd\n"
    "  label: \"Label \\L separator\"\n"
    "  severity: info\n"
    "  cites: []\n"
    "  reasons:\n"
    "  - rule: 0\n"
    "    because: \"because\\r\\n\\Nnext\"\n"
    "stage:\n"
    "  current: null\n"
    "  suggested: persuasion\n"
    "  direction: undecided\n"
    "  status: provisional\n"
    "  provisional: true\n"
    "  conflicting: false\n"
    "  policy: 'true'\n"
    "  candidates: []\n"
    "  undecided_rules:\n"
    "  - 17\n"
    "  - 14\n"
    "  - 20\n"
    "  - 21\n"
    "  - 18\n"
    "  - 15\n"
    "  - 0\n"
    "  - 8\n"
    "  - 5\n"
    "  - 3\n"
    "  - 6\n"
    "  - 7\n"
    "  - 9\n"
    "  - 10\n"
    "  - 12\n"
    "  - 11\n"
    "  - 4\n"
    "  - 16\n"
    "  - 1\n"
    "  - 2\n"
    "  - 13\n"
    "  - 22\n"
    "  - 19\n"
    "data_gaps:\n"
    "- fact: 1\n"
    "  rank: 1\n"
    "  would_decide:\n"
    "    risk: null\n"
    "    recommendation: null\n"
    "    stage_move: false\n"
    "  rules: []\n"
    "rules:\n"
    "- id: esc\n"
    "  title: \"Title with \\e[31mred\\e[0m\"\n"
    "  at: rules/odd \"x\".sw:3\n"
    "  cites:\n"
    "  - 0\n"
    "  matched:\n"
    "  - 2\n"
    "  - 0\n"
    "undecided:\n"
    "- ''\n"
    "- '#c'\n"
    "- ''''\n"
    "- '+1'\n"
    "- '- a'\n"
    "- '-3'\n"
    "- '.5'\n"
    "- '0x1f'\n"
    "- '12'\n"
    "- '1:20'\n"
    "- '2026-01-01'\n"
    "- '<<'\n"
    "- '='\n"
    "- NaN\n"
    "- 'Off'\n"
    "- 'TRUE'\n"
    "- 'a: b'\n"
    "- 'no'\n"
    "- 'null'\n"
    "- plain words\n"
    "- 'y'\n"
    "- '~'\n"
    "- \"\\U0001F600\"\n"
    "facts:\n"
    "- name: 'no'\n"
    "  label: Name\n"
    "  value: Jos\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd M\xc3\xbcller\n"
    "  derived: false\n"
    "- name: no_rules\n"
    "  label: null\n"
    "  value: null\n"
    "  derived: false\n"
    "- name: notes\n"
    "  label: \"Keyworker's\\nnote\"\n"
    "  value: \"\\\"line one\\nline two\\\"\\t\\\\ end\"\n"
    "  derived: false\n"
    "statements:\n"
    "- key: \"on \\\"say \\\\\\\"hi\\\\\\\" \\\\\\\\ now\\n\\\"\"\n"
    "  source: 0\n"
    "  text: \"say \\\"hi\\\" \\\\ now\\n\"\n"
    "sources:\n"
    "- id: 'on'\n"
    "  title: 'Yes'\n"
    "summary:\n"
    "  rules_total: 1\n"
    "  rules_fired: 0\n"
    "  rules_undecided: 0\n";
/* ---- rendering helpers ---- */

enum { TEXT, JSON_COMPACT, JSON_PRETTY, YAML };

static sw_status render(const sw_report *rep, int how, sw_buf *out)
{
    switch (how) {
    case TEXT: return sw_report_render_text(rep, out);
    case JSON_COMPACT: return sw_report_render_json(rep, 0, out);
    case JSON_PRETTY: return sw_report_render_json(rep, 1, out);
    default: return sw_report_render_yaml(rep, out);
    }
}

static void assert_renders(const sw_report *rep, int how, const char *expected)
{
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(render(rep, how, &out), SW_OK);
    assert_non_null(out.data);
    assert_string_equal(out.data, expected);
    assert_int_equal(out.len, strlen(expected));
    sw_buf_free(&out);
}

/* ---- exact renderings ---- */

#define RENDERING_TEST(name, report, how, expected) \
    static void name(void **state)                     \
    {                                                  \
        (void)state;                                   \
        assert_renders(&(report), how, expected);      \
    }

RENDERING_TEST(empty_as_text, empty_report, TEXT, empty_text)
RENDERING_TEST(empty_as_compact_json, empty_report, JSON_COMPACT, empty_json_compact)
RENDERING_TEST(empty_as_pretty_json, empty_report, JSON_PRETTY, empty_json_pretty)
RENDERING_TEST(empty_as_yaml, empty_report, YAML, empty_yaml)
RENDERING_TEST(full_as_text, full_report, TEXT, full_text)
RENDERING_TEST(full_as_compact_json, full_report, JSON_COMPACT, full_json_compact)
RENDERING_TEST(full_as_pretty_json, full_report, JSON_PRETTY, full_json_pretty)
RENDERING_TEST(full_as_yaml, full_report, YAML, full_yaml)
RENDERING_TEST(odd_strings_as_text, odd_report, TEXT, odd_text)
RENDERING_TEST(odd_strings_as_compact_json, odd_report, JSON_COMPACT, odd_json_compact)
RENDERING_TEST(odd_strings_as_yaml, odd_report, YAML, odd_yaml)

static void render_dispatches_by_format(void **state)
{
    (void)state;
    static const struct { sw_format format; const char *expected; } cases[] = {
        {SW_FORMAT_TEXT, full_text},
        {SW_FORMAT_JSON, full_json_pretty},
        {SW_FORMAT_JSONL, full_json_compact},
        {SW_FORMAT_YAML, full_yaml},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sw_buf out = SW_BUF_INIT;
        assert_int_equal(sw_report_render(&full_report, cases[i].format, &out), SW_OK);
        assert_string_equal(out.data, cases[i].expected);
        sw_buf_free(&out);
    }
}

static void renderings_append(void **state)
{
    (void)state;
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(sw_report_render_json(&empty_report, 0, &out), SW_OK);
    assert_int_equal(sw_report_render_yaml(&empty_report, &out), SW_OK);
    assert_int_equal(sw_report_render_json(&empty_report, 0, &out), SW_OK);
    size_t compact = strlen(empty_json_compact), yaml = strlen(empty_yaml);
    assert_int_equal(out.len, 2 * compact + yaml);
    assert_memory_equal(out.data, empty_json_compact, compact);
    assert_memory_equal(out.data + compact, empty_yaml, yaml);
    assert_string_equal(out.data + compact + yaml, empty_json_compact);
    sw_buf_free(&out);
}

/* ---- errors ---- */

static void failed_buffer_is_out_of_memory(void **state)
{
    (void)state;
    for (int how = TEXT; how <= YAML; how++) {
        sw_buf out = SW_BUF_INIT;
        out.failed = 1;   /* as the buffer marks itself when realloc fails */
        assert_int_equal(render(&full_report, how, &out), SW_ERR_NOMEM);
        assert_null(out.data);
    }
}

static void bad_arguments(void **state)
{
    (void)state;
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(sw_report_render(NULL, SW_FORMAT_JSON, &out), SW_ERR_ARG);
    assert_int_equal(sw_report_render(NULL, SW_FORMAT_YAML, &out), SW_ERR_ARG);
    assert_int_equal(sw_report_render(NULL, SW_FORMAT_TEXT, &out), SW_ERR_ARG);
    assert_int_equal(sw_report_render(&full_report, (sw_format)42, &out), SW_ERR_ARG);
    assert_int_equal(sw_report_render_json(&full_report, 1, NULL), SW_ERR_ARG);
    assert_null(out.data);
}

/* ---- parsing the renderings back with libyaml ---- */

typedef struct parsed {
    yaml_document_t doc;
} parsed;

static parsed *parse(const char *text)
{
    parsed *p = test_malloc(sizeof *p);
    yaml_parser_t parser;
    assert_int_equal(yaml_parser_initialize(&parser), 1);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    int loaded = yaml_parser_load(&parser, &p->doc);
    yaml_parser_delete(&parser);
    assert_int_equal(loaded, 1);
    assert_non_null(yaml_document_get_root_node(&p->doc));
    return p;
}

static void parsed_free(parsed *p)
{
    yaml_document_delete(&p->doc);
    test_free(p);
}

static parsed *parse_rendering(const sw_report *rep, int how)
{
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(render(rep, how, &out), SW_OK);
    parsed *p = parse(out.data);
    sw_buf_free(&out);
    return p;
}

static yaml_node_t *member(yaml_document_t *doc, yaml_node_t *map, const char *key, size_t len)
{
    for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
         pair < map->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(doc, pair->key);
        if (k->data.scalar.length == len && memcmp(k->data.scalar.value, key, len) == 0)
            return yaml_document_get_node(doc, pair->value);
    }
    return NULL;
}

/* The node at a path of keys and indexes, JSON Pointer style, so that keys may
 * hold dots ("citations/DD.at_i4"): "risks/0/reasons/0/rule". */
static yaml_node_t *node_at(parsed *p, const char *path)
{
    yaml_node_t *node = yaml_document_get_root_node(&p->doc);
    while (node && *path) {
        size_t len = strcspn(path, "/");
        if (node->type == YAML_MAPPING_NODE) {
            node = member(&p->doc, node, path, len);
        } else if (node->type == YAML_SEQUENCE_NODE) {
            long index = strtol(path, NULL, 10);
            long count = node->data.sequence.items.top - node->data.sequence.items.start;
            node = index < count
                       ? yaml_document_get_node(&p->doc, node->data.sequence.items.start[index])
                       : NULL;
        } else {
            node = NULL;
        }
        path += len + (path[len] == '/');
    }
    assert_non_null(node);
    return node;
}

/* What a YAML 1.1 reader makes of a plain scalar, written out from the spec's
 * lists independently of the reporter's own test. */
static const char *plain_scalar_type(const char *v)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    static const char *const bools[] = {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    };
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
        if (strcmp(v, nulls[i]) == 0)
            return "null";
    for (size_t i = 0; i < sizeof bools / sizeof *bools; i++)
        if (strcmp(v, bools[i]) == 0)
            return "bool";
    const char *digits = v + (v[0] == '-' || v[0] == '+');
    if (*digits && strspn(digits, "0123456789") == strlen(digits))
        return "int";
    if (strchr("0123456789.", v[0]) || (strchr("-+", v[0]) && strchr("0123456789.", v[1])))
        return "number, date or time";
    if (strcmp(v, "=") == 0 || strcmp(v, "<<") == 0)
        return "special key";
    return "str";
}

static const char *scalar_type(const yaml_node_t *n)
{
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return "str";
    return plain_scalar_type((const char *)n->data.scalar.value);
}

static void assert_string_at(parsed *p, const char *path, const char *expected)
{
    yaml_node_t *n = node_at(p, path);
    assert_int_equal(n->type, YAML_SCALAR_NODE);
    assert_string_equal(scalar_type(n), "str");
    assert_int_equal(n->data.scalar.length, strlen(expected));
    assert_string_equal((const char *)n->data.scalar.value, expected);
}

static void assert_plain_at(parsed *p, const char *path, const char *type, const char *value)
{
    yaml_node_t *n = node_at(p, path);
    assert_int_equal(n->type, YAML_SCALAR_NODE);
    assert_string_equal(scalar_type(n), type);
    assert_string_equal((const char *)n->data.scalar.value, value);
}

static void assert_length_at(parsed *p, const char *path, yaml_node_type_t type, long length)
{
    yaml_node_t *n = node_at(p, path);
    assert_int_equal(n->type, type);
    long count = type == YAML_MAPPING_NODE
                     ? n->data.mapping.pairs.top - n->data.mapping.pairs.start
                     : n->data.sequence.items.top - n->data.sequence.items.start;
    assert_int_equal(count, length);
}

/* The index an int scalar at path holds (format 3.0 refers to table rows by index). */
static long index_at(parsed *p, const char *path)
{
    yaml_node_t *n = node_at(p, path);
    assert_int_equal(n->type, YAML_SCALAR_NODE);
    assert_string_equal(scalar_type(n), "int");
    return strtol((const char *)n->data.scalar.value, NULL, 10);
}

/* The string the reference at path leads to: member key of row table[index]. */
static void assert_ref_at(parsed *p, const char *path, const char *table, const char *key,
                          const char *expected)
{
    char row[200];
    if (key)
        snprintf(row, sizeof row, "%s/%ld/%s", table, index_at(p, path), key);
    else
        snprintf(row, sizeof row, "%s/%ld", table, index_at(p, path));
    assert_string_at(p, row, expected);
}

static void assert_full_values(parsed *p)
{
    assert_length_at(p, "", YAML_MAPPING_NODE, 15);
    assert_string_at(p, "format", "stagewise-result");
    assert_string_at(p, "format_version", "3.0");
    assert_string_at(p, "provenance/engine_version", "0.1.0");
    assert_string_at(p, "provenance/guideline_version", "1.0.0");
    assert_string_at(p, "provenance/ruleset_sha256",
                     "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
    assert_string_at(p, "provenance/client", "rs-001");
    assert_string_at(p, "provenance/assessed_on", "2026-11-20");
    assert_length_at(p, "recommendations", YAML_SEQUENCE_NODE, 2);
    assert_string_at(p, "recommendations/0/priority", "urgent");
    assert_string_at(p, "recommendations/0/kind", "social");
    assert_plain_at(p, "recommendations/1/kind", "null", "null");
    assert_ref_at(p, "recommendations/0/cites/0", "statements", "key", "DD.at_i4");
    assert_ref_at(p, "recommendations/0/reasons/0/rule", "rules", "id", "immediate_needs");
    assert_length_at(p, "recommendations/0/reasons/0", YAML_MAPPING_NODE, 2);
    assert_length_at(p, "recommendations/1/reasons", YAML_SEQUENCE_NODE, 0);
    assert_plain_at(p, "advice/0/reasons/0/because", "null", "null");
    assert_ref_at(p, "challenges/0/cites/0", "statements", "key", "DD.eng_c4");
    assert_string_at(p, "risks/0/severity", "critical");
    assert_string_at(p, "risks/1/severity", "warning");
    assert_string_at(p, "stage/direction", "undecided");
    assert_string_at(p, "stage/status", "conflicting");
    assert_plain_at(p, "stage/conflicting", "bool", "true");
    assert_plain_at(p, "stage/provisional", "bool", "false");
    assert_plain_at(p, "stage/candidates/0/chosen", "bool", "true");
    assert_plain_at(p, "stage/candidates/1/chosen", "bool", "false");
    assert_string_at(p, "stage/candidates/1/reasons/0/because", "Regular contact for 3 months");
    assert_ref_at(p, "stage/candidates/1/reasons/0/rule", "rules", "id", "ready_for_persuasion");
    assert_ref_at(p, "stage/undecided_rules/1", "undecided", NULL, "retention");
    assert_ref_at(p, "data_gaps/0/rules/1", "undecided", NULL, "stable_housing");
    assert_ref_at(p, "data_gaps/0/fact", "facts", "name", "housing");
    assert_ref_at(p, "data_gaps/0/fact", "facts", "label", "Housing status");
    /* the tables: each rule, fact and citation once, in key order */
    assert_length_at(p, "rules", YAML_SEQUENCE_NODE, 5);
    assert_string_at(p, "rules/2/id", "immediate_needs");
    assert_string_at(p, "rules/2/at", "rules/engagement.sw:12");
    assert_ref_at(p, "rules/2/cites/0", "statements", "key", "DD.eng_bp2");
    assert_ref_at(p, "rules/2/cites/1", "statements", "key",
                  "ENG \"How Do I Achieve This? / Address Immediate Needs\"");
    assert_ref_at(p, "rules/2/matched/1", "facts", "name", "housing");
    assert_string_at(p, "rules/0/id", "be_patient");
    assert_plain_at(p, "rules/0/at", "null", "null");
    assert_length_at(p, "undecided", YAML_SEQUENCE_NODE, 4);
    assert_length_at(p, "facts", YAML_SEQUENCE_NODE, 7);
    assert_string_at(p, "facts/2/name", "housing");
    assert_string_at(p, "facts/2/value", "rough_sleeping");
    assert_string_at(p, "facts/6/value", "{opioids, alcohol}");
    assert_string_at(p, "facts/1/name", "disengagement_risk");
    assert_plain_at(p, "facts/1/value", "null", "null");
    assert_plain_at(p, "facts/1/derived", "bool", "true");
    assert_string_at(p, "facts/4/value", "true");
    assert_string_at(p, "facts/3/value", "2");
    assert_length_at(p, "statements", YAML_SEQUENCE_NODE, 6);
    assert_string_at(p, "statements/2/key", "DD.eng_c4");
    assert_string_at(p, "statements/2/text", "Housing instability.");
    assert_ref_at(p, "statements/2/source", "sources", "id", "DD");
    assert_string_at(p, "statements/5/key", "PHQ9 \"item 9\"");
    assert_string_at(p, "statements/5/text", "item 9");
    assert_string_at(p, "statements/4/key", "PHQ9");
    assert_plain_at(p, "statements/4/text", "null", "null");
    assert_length_at(p, "sources", YAML_SEQUENCE_NODE, 3);
    assert_string_at(p, "sources/1/id", "ENG");
    assert_string_at(p, "sources/1/title", "Engagement stage in depth");
    assert_plain_at(p, "summary/rules_total", "int", "14");
    assert_plain_at(p, "summary/rules_fired", "int", "5");
    assert_plain_at(p, "summary/rules_undecided", "int", "2");
}

static void full_json_parses_back(void **state)
{
    (void)state;
    for (int how = JSON_COMPACT; how <= JSON_PRETTY; how++) {
        parsed *p = parse_rendering(&full_report, how);
        assert_full_values(p);
        parsed_free(p);
    }
}

static void full_yaml_parses_back(void **state)
{
    (void)state;
    parsed *p = parse_rendering(&full_report, YAML);
    assert_full_values(p);
    parsed_free(p);
}

static void assert_odd_values(parsed *p)
{
    assert_string_at(p, "provenance/client", "no");
    assert_string_at(p, "provenance/assessed_on", "2026-01-01");
    assert_string_at(p, "provenance/ruleset_sha256", "12345");
    assert_string_at(p, "provenance/guideline_title", "Caf\xc3\xa9 \"quoted\" \\ title");
    assert_string_at(p, "stage/policy", "true");
    assert_string_at(p, "stage/status", "provisional");
    assert_string_at(p, "stage/direction", "undecided");
    assert_ref_at(p, "data_gaps/0/fact", "facts", "name", "no_rules");
    assert_plain_at(p, "facts/1/label", "null", "null");
    assert_length_at(p, "data_gaps/0/rules", YAML_SEQUENCE_NODE, 0);
    assert_plain_at(p, "stage/current", "null", "null");
    assert_string_at(p, "risks/0/label", "Label \xe2\x80\xa8 separator");
    assert_string_at(p, "risks/0/reasons/0/because", "because\r\n\xc2\x85next");
    assert_ref_at(p, "risks/0/reasons/0/rule", "rules", "id", "esc");
    assert_string_at(p, "rules/0/title", "Title with \x1b[31mred\x1b[0m");
    assert_string_at(p, "rules/0/at", "rules/odd \"x\".sw:3");
    assert_ref_at(p, "rules/0/cites/0", "statements", "key", "on \"say \\\"hi\\\" \\\\ now\n\"");
    assert_string_at(p, "statements/0/text", "say \"hi\" \\ now\n");
    assert_string_at(p, "sources/0/id", "on");
    assert_string_at(p, "sources/0/title", "Yes");
    assert_ref_at(p, "rules/0/matched/0", "facts", "name", "notes");
    assert_string_at(p, "facts/2/label", "Keyworker's\nnote");
    assert_string_at(p, "facts/2/value", "\"line one\nline two\"\t\\ end");
    assert_ref_at(p, "rules/0/matched/1", "facts", "name", "no");
    assert_string_at(p, "facts/0/value", "Jos\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd M\xc3\xbcller");
    size_t n = sizeof odd_words / sizeof *odd_words;
    assert_length_at(p, "stage/undecided_rules", YAML_SEQUENCE_NODE, (long)n);
    assert_length_at(p, "undecided", YAML_SEQUENCE_NODE, (long)n);
    for (size_t i = 0; i < n; i++) {
        char path[40];
        snprintf(path, sizeof path, "stage/undecided_rules/%zu", i);
        assert_ref_at(p, path, "undecided", NULL, odd_words[i]);
    }
}

static void odd_strings_parse_back(void **state)
{
    (void)state;
    for (int how = JSON_COMPACT; how <= YAML; how++) {
        parsed *p = parse_rendering(&odd_report, how);
        assert_odd_values(p);
        parsed_free(p);
    }
}

/* Whether two parsed documents hold the same data: same shapes, keys in the same
 * order, scalars with the same text and the same type. */
static void assert_same_data(parsed *a, yaml_node_t *x, parsed *b, yaml_node_t *y)
{
    assert_int_equal(x->type, y->type);
    if (x->type == YAML_SCALAR_NODE) {
        assert_string_equal(scalar_type(x), scalar_type(y));
        assert_int_equal(x->data.scalar.length, y->data.scalar.length);
        assert_memory_equal(x->data.scalar.value, y->data.scalar.value, x->data.scalar.length);
    } else if (x->type == YAML_SEQUENCE_NODE) {
        long n = x->data.sequence.items.top - x->data.sequence.items.start;
        assert_int_equal(n, y->data.sequence.items.top - y->data.sequence.items.start);
        for (long i = 0; i < n; i++)
            assert_same_data(a, yaml_document_get_node(&a->doc, x->data.sequence.items.start[i]),
                             b, yaml_document_get_node(&b->doc, y->data.sequence.items.start[i]));
    } else {
        long n = x->data.mapping.pairs.top - x->data.mapping.pairs.start;
        assert_int_equal(n, y->data.mapping.pairs.top - y->data.mapping.pairs.start);
        for (long i = 0; i < n; i++) {
            yaml_node_pair_t *px = &x->data.mapping.pairs.start[i];
            yaml_node_pair_t *py = &y->data.mapping.pairs.start[i];
            assert_same_data(a, yaml_document_get_node(&a->doc, px->key), b,
                             yaml_document_get_node(&b->doc, py->key));
            assert_same_data(a, yaml_document_get_node(&a->doc, px->value), b,
                             yaml_document_get_node(&b->doc, py->value));
        }
    }
}

static void yaml_and_json_hold_the_same_data(void **state)
{
    (void)state;
    const sw_report *reports[] = {&empty_report, &full_report, &odd_report};
    for (size_t i = 0; i < sizeof reports / sizeof *reports; i++) {
        parsed *json = parse_rendering(reports[i], JSON_COMPACT);
        parsed *pretty = parse_rendering(reports[i], JSON_PRETTY);
        parsed *yaml = parse_rendering(reports[i], YAML);
        yaml_node_t *root = yaml_document_get_root_node(&json->doc);
        assert_same_data(json, root, pretty, yaml_document_get_root_node(&pretty->doc));
        assert_same_data(json, root, yaml, yaml_document_get_root_node(&yaml->doc));
        parsed_free(json);
        parsed_free(pretty);
        parsed_free(yaml);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_as_text),
        cmocka_unit_test(empty_as_compact_json),
        cmocka_unit_test(empty_as_pretty_json),
        cmocka_unit_test(empty_as_yaml),
        cmocka_unit_test(full_as_text),
        cmocka_unit_test(full_as_compact_json),
        cmocka_unit_test(full_as_pretty_json),
        cmocka_unit_test(full_as_yaml),
        cmocka_unit_test(odd_strings_as_text),
        cmocka_unit_test(odd_strings_as_compact_json),
        cmocka_unit_test(odd_strings_as_yaml),
        cmocka_unit_test(render_dispatches_by_format),
        cmocka_unit_test(renderings_append),
        cmocka_unit_test(failed_buffer_is_out_of_memory),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(full_json_parses_back),
        cmocka_unit_test(full_yaml_parses_back),
        cmocka_unit_test(odd_strings_parse_back),
        cmocka_unit_test(yaml_and_json_hold_the_same_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
