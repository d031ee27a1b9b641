"""Boilerplate in extracted article text, per language: bylines, agency credits, photo credits, "read also"
links, newsletter and subscription prompts, advertising and cookie notices, and the labels some outlets open
a paragraph with ("Why it matters:"). English's rules hold for every text (agencies, credits and prompts are
often left in English on pages in other languages); a page in French, Spanish, German, Italian, Portuguese or
Dutch also gets its own language's, each built from the same few rules with that language's words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ENGLISH_LABELS = (
    r"Why it matters|The big picture|Driving the news|The bottom line|Bottom line|Between the lines|"
    r"What's next|What’s next|What to watch|Details|Context|Background|Catch up quick|Yes, but|Flashback|"
    r"By the numbers|Zoom in|Zoom out|The latest|What they're saying|What they’re saying|Our thought bubble|"
    r"What happened|The backstory|Where it stands|The other side|The intrigue|State of play|Reality check|"
    r"Be smart|Go deeper|Key quote|Worth noting|Of note|Meanwhile|Update|Updated|UPDATE|Breaking|BREAKING|"
    r"Exclusive|EXCLUSIVE|Analysis|ANALYSIS|Opinion|OPINION|Editor's note|Editor’s note|Watch|WATCH|"
    r"Live updates|LIVE")

ENGLISH = (
    r"^\(?\s*[Ww]ith (?:agency|wire|additional) (?:inputs|reporting|reports)\b",
    r"^\(?\s*(?:[Aa]dditional )?[Rr]eporting by (?:[A-Z][\w.'’\-]+ ?){1,4}(?:[;,)]|\.?$|in |and |&)",
    r"\b(?:[Ww]riting|[Ee]diting|[Cc]ompiled|[Rr]eporting) by [A-Z][a-z]+(?: [A-Z][a-z]+)*"
    r"\s*(?:[;,)]|$|and\b)",
    r"\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b",
    r"^(?:[—–-]+|\|)\s*[A-Z][\w.&' ]{1,60}$",                       # "— Meridian Press Agency"
    r"^[Bb][Yy] [A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){0,3}(?:\s*(?:,|\||and|&|[—–-])\s*[A-Z][\w.'’\- ]*){0,3}$",
    r"^(?:[A-Z][a-z]+ ){1,3}(?:is|was) an? (?:staff |senior |national |political |White House )*"
    r"(?:reporter|writer|correspondent|editor|columnist)\b",
    r"^(?:[Pp]hoto|[Pp]hotograph|[Ii]mage|[Pp]icture|[Vv]ideo|[Ff]ile [Pp]hoto|FILE PHOTO|FILE|"
    r"[Cc]aption|[Cc]redit|[Ss]ource)\s*(?::|[—–])",
    r"\((?:[A-Z][A-Za-z]* )?(?:[Pp]hoto|[Ii]mage|[Pp]icture)s? (?:by|credit|courtesy|:)[^)]*\)",
    r"\(AP Photo\b|\bGetty Images\b|\bAFP via Getty\b|/ ?(?:Reuters|AFP|AP|EPA|Getty)\)?\s*$",
    r"^(?:[Rr]ead [Mm]ore|READ MORE|[Rr]elated|RELATED|[Ss]ee [Aa]lso|[Aa]lso [Rr]ead|[Mm]ore [Oo]n|"
    r"[Ww]atch|WATCH|[Ll]isten|LISTEN)\b\s*(?::|[—–]|\.\.\.|…|$)",
    r"\b(?:[Ss]ign up|[Ss]ubscribe)\b.{0,60}\b(?:newsletter|inbox|updates|today|here|now|free)\b",
    r"\bnewsletter\b",
    r"^(?:[Cc]lick|[Tt]ap) here\b|\b[Cc]lick here to\b",
    r"^(?:[Ff]ollow|[Ll]ike) (?:us|me|him|her|them)\b.{0,40}\b(?:on|@)\b",
    r"^(?:[Ss]hare|SHARE) (?:this|on)\b",
    r"^ADVERTISEMENT\b|^[Aa]dvertisement$|^Story continues below\b|^Continue reading\b",
    r"\b[Cc]opyright (?:©|\(c\)|\d{4})|©|\b[Aa]ll rights reserved\b",
    r"\b(?:This|The) (?:story|article|post) (?:has been|was|is being) (?:updated|corrected)\b",
    r"^(?:[Ww]e|[Tt]he [A-Z][a-z]+) (?:reached out|has reached out)\b.{0,40}\bcomment\b.{0,20}$",
    r"\b(?:Please|please) (?:enable|turn on|allow) (?:JavaScript|cookies)\b",
    r"\bcookies?\b.{0,40}\b(?:policy|settings|consent)\b",
)


@dataclass(frozen=True)
class Words:
    """A language's words for the rules every language shares."""
    by: str                 # byline: "Par Jean Dupont"
    and_: str               # "Par Jean Dupont et Marie Curie"
    read_also: str          # a link to another article: "Lire aussi", "Lesen Sie auch"
    subscribe: str          # a prompt to subscribe or sign up
    newsletter: str
    advertising: str        # a paragraph that is only this word
    photo: str              # a credit line: "Photo :", "Bild:"
    cookies: str            # what a cookie notice speaks of beside cookies
    rights: str             # "All rights reserved"
    updated: str            # "This article has been updated"
    follow: str             # "Follow us on"
    labels: str             # paragraph labels: "Analyse :", "EN DIRECT —"


WORDS = {
    "fr": Words(by="Par|PAR", and_="et", read_also="(?:À |A )?[Ll]ire aussi|LIRE AUSSI|À LIRE AUSSI|À lire|"
                "[Vv]oir aussi|VOIR AUSSI|Lire la suite|Lire plus|À voir aussi|Sur le même sujet",
                subscribe="[Aa]bonnez-vous|[Ii]nscrivez-vous|[Ss]'abonner|[Ss]’abonner|[Ee]ssayez gratuitement",
                newsletter="newsletters?|lettres? d['’]information", advertising="Publicité|PUBLICITÉ",
                photo="Photo|Photos|Crédit photo|Crédits photo|Crédit|Illustration|Légende|Source",
                cookies="politique|paramètres|paramétrer|consentement|accepte[rz]?|traceurs",
                rights="[Tt]ous droits réservés|[Rr]eproduction interdite",
                updated="(?:Cet|L['’])article (?:a été|est) (?:mis à jour|modifié|corrigé)",
                follow="[Ss]uivez(?:-nous| nous)", labels="Mise à jour|MISE À JOUR|En direct|EN DIRECT|Analyse|"
                "ANALYSE|Décryptage|Tribune|Éditorial|Info|INFO|Alerte|ALERTE|Exclusif|EXCLUSIF"),
    "es": Words(by="Por|POR", and_="y", read_also="[Ll]ee también|LEE TAMBIÉN|[Ll]ea también|LEA TAMBIÉN|"
                "[Ll]eer más|[Vv]er también|[Tt]e puede interesar|TE PUEDE INTERESAR|[Mm]ás información|"
                "[Nn]oticia relacionada|[Tt]ambién te puede interesar|[Ll]ee más",
                subscribe="[Ss]uscríbete|[Ss]uscríbase|[Rr]egístrate|[Rr]egístrese|[Aa]púntate",
                newsletter="newsletters?|boletín|boletines", advertising="Publicidad|PUBLICIDAD|Anuncio",
                photo="Foto|Fotos|Fotografía|Imagen|Crédito|Fuente|Archivo",
                cookies="política|configuración|configurar|consentimiento|aceptar?",
                rights="[Tt]odos los derechos reservados|[Pp]rohibida (?:su|la) reproducción",
                updated="(?:Esta|La) (?:noticia|información|nota) (?:ha sido|fue|se ha) (?:actualizada|corregida)",
                follow="[Ss]íguenos", labels="Última hora|ÚLTIMA HORA|En directo|EN DIRECTO|"
                "En vivo|EN VIVO|Análisis|ANÁLISIS|Opinión|OPINIÓN|Exclusiva|EXCLUSIVA|Actualización"),
    "de": Words(by="Von|VON", and_="und", read_also="Lesen Sie (?:auch|mehr|hier)|LESEN SIE AUCH|Mehr zum Thema|"
                "MEHR ZUM THEMA|Mehr dazu|Auch interessant|Das könnte Sie auch interessieren|Weiterlesen|Siehe auch|"
                "Zum Thema|Passend dazu",
                subscribe="[Aa]bonnieren Sie|[Mm]elden Sie sich|[Jj]etzt (?:abonnieren|anmelden|testen)|"
                "[Rr]egistrieren Sie sich", newsletter="Newsletter", advertising="Anzeige|ANZEIGE|Werbung|WERBUNG",
                photo="Foto|Fotos|Bild|Bildquelle|Quelle|Archivbild|Grafik",
                cookies="Datenschutz|Einstellungen|Einwilligung|zustimmen|akzeptieren|Tracking",
                rights="[Aa]lle Rechte vorbehalten", updated="Dieser (?:Artikel|Beitrag|Text) wurde "
                "(?:aktualisiert|ergänzt|korrigiert)", follow="Folgen Sie (?:uns|dem|der)",
                labels="Update|Eilmeldung|EILMELDUNG|Liveticker|Analyse|Kommentar|Meinung|Exklusiv|EXKLUSIV"),
    "it": Words(by="Di|DI", and_="e", read_also="[Ll]eggi anche|LEGGI ANCHE|[Gg]uarda anche|[Vv]edi anche|"
                "[Pp]otrebbe interessarti|[Ll]eggi di più|Approfondimenti|Articoli correlati",
                subscribe="[Ii]scriviti|[Aa]bbonati|[Rr]egistrati", newsletter="newsletter",
                advertising="Pubblicità|PUBBLICITÀ", photo="Foto|Immagine|Credito|Fonte",
                cookies="informativa|impostazioni|consenso|accett[ao]", rights="[Rr]iproduzione riservata|"
                "RIPRODUZIONE RISERVATA|[Tt]utti i diritti riservati", updated="(?:Questo|L['’])articolo è stato "
                "(?:aggiornato|corretto)", follow="[Ss]eguici", labels="Aggiornamento|Ultim['’]ora|ULTIM['’]ORA|"
                "In diretta|Analisi|Opinione|Esclusiva"),
    "pt": Words(by="Por|POR", and_="e", read_also="[Ll]eia (?:também|mais)|LEIA TAMBÉM|[Vv]eja também|"
                "[Ss]aiba mais|[Vv]eja mais|[Ll]eia a seguir", subscribe="[Aa]ssine|[Ii]nscreva-se|[Cc]adastre-se",
                newsletter="newsletters?|boletim", advertising="Publicidade|PUBLICIDADE|Anúncio",
                photo="Foto|Fotos|Imagem|Crédito|Fonte", cookies="política|configurações|consentimento|aceit[ae]r?",
                rights="[Tt]odos os direitos reservados", updated="(?:Esta|A) (?:notícia|matéria) foi "
                "(?:atualizada|corrigida)", follow="[Ss]iga-nos",
                labels="Atualização|Última hora|Ao vivo|AO VIVO|Análise|Opinião|Exclusivo"),
    "nl": Words(by="Door|DOOR", and_="en", read_also="[Ll]ees ook|LEES OOK|[Ll]ees meer|[Bb]ekijk ook|"
                "[Mm]eer over|[Oo]ok interessant", subscribe="[Aa]bonneer|[Ss]chrijf je in|[Mm]eld je aan|"
                "[Nn]eem een abonnement", newsletter="nieuwsbrief|newsletter", advertising="Advertentie|ADVERTENTIE",
                photo="Foto|Beeld|Afbeelding|Bron", cookies="beleid|instellingen|toestemming|accepteren|"
                "akkoord", rights="[Aa]lle rechten voorbehouden", updated="(?:Dit|Het) (?:artikel|bericht) is "
                "(?:bijgewerkt|aangepast|gecorrigeerd)", follow="[Vv]olg ons", labels="Update|Live|LIVE|"
                "Analyse|Column|Opinie|Exclusief"),
}


def _rules(w: Words) -> tuple[str, ...]:
    """The rules every language shares, in its words (English's own, above, came first and read the same)."""
    return (
        rf"^(?:{w.by}) [A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){{0,3}}(?:\s*(?:,|\||{w.and_}|&|[—–-])\s*"
        r"[A-Z][\w.'’\- ]*){0,3}$",
        rf"^(?:{w.photo})\s*(?::|[—–/])",
        rf"^(?:{w.read_also})\b\s*(?::|[—–>»]|\.\.\.|…|$)",
        rf"\b(?:{w.subscribe})\b",
        rf"\b(?:{w.newsletter})\b",
        rf"^(?:{w.advertising})$",
        rf"\b[Cc]ookies?\b.{{0,60}}\b(?:{w.cookies})\b",
        rf"\b(?:{w.rights})\b",
        rf"\b(?:{w.updated})\b",
        rf"^(?:{w.follow})\b.{{0,40}}\b(?:on|sur|en|auf|bei|su|no|op|@)\b",
    )


def _label_pattern(labels: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{labels})\s*(?::|[—–]|--)\s*")


@lru_cache(maxsize=None)
def boilerplate_patterns(language: str | None) -> tuple[re.Pattern[str], ...]:
    """The rules for text in `language`: English's, and the language's own where it has them."""
    words = WORDS.get(language or "")
    return tuple(re.compile(p) for p in (*ENGLISH, *(_rules(words) if words else ())))


@lru_cache(maxsize=None)
def label_pattern(language: str | None) -> re.Pattern[str]:
    words = WORDS.get(language or "")
    return _label_pattern(ENGLISH_LABELS + (f"|{words.labels}" if words else ""))


def is_boilerplate(sentence: str, language: str | None = None) -> bool:
    return any(pattern.search(sentence) for pattern in boilerplate_patterns(language))
