"""French: "M.", "Mme", "p. ex.", « guillemets », AFP datelines, "a déclaré", "selon"."""

from __future__ import annotations

import re

from factcheck.text.splitting.languages import (
    Profile,
    agency_line,
    attribution_patterns,
    view_of,
    words,
)

VERBS = words(
    """dit déclaré affirmé expliqué ajouté indiqué précisé souligné assuré estimé annoncé
    confié rappelé insisté reconnu averti dénoncé jugé admis répondu raconté confirmé écrit
    martelé lancé prévenu relevé déclare affirme explique ajoute indique précise souligne
    assure estime annonce rappelle raconte confie juge répond lâché réagi poursuivi
    conclu souligné ironisé regretté déploré plaidé taclé tranché commenté observé noté
    résumé détaillé poursuit conclut ajoutait expliquait déclarait révèle révélé indiquent
    affirment estiment soulignent expliquent dénoncent assurent annoncent demandé réclamé
    exigé savoir exprimé appelé appelle"""
)
ACCORDING = ("selon", "d'après", "d’après", "aux yeux de")
AGENCIES = "afp|reuters|ap|belga|ats|apa|ansa|dpa"

PROFILE = Profile(
    code="fr",
    titles=words("m mm mme mmes mlle mlles me mgr dr pr st ste"),
    number_prefix=words("no nº art p pp vol chap fig tél"),
    ambiguous=words("etc env cf av bd apr av. j.-c ex"),
    starters=words(
        """le la les l un une des ce cet cette ces il elle ils elles on nous vous je en dans
        pour par avec sans mais et ou si ne pas quand comme que qui quoi où comment pourquoi
        aussi ainsi alors selon depuis après avant pendant son sa ses leur leurs mon ma mes
        au aux du de c d j lors dès cependant toutefois enfin puis là ici tout tous toute
        toutes chaque plusieurs il y est sont était"""
    ),
    report_verbs=VERBS,
    views=("pour ",),
    according=ACCORDING,
    attribution=attribution_patterns(
        VERBS,
        ACCORDING,
        "le|la|les|l'|l’|un|une",
        aux=(
            "a|ont|avait|avaient|a-t-il|a-t-elle|ont-ils|ont-elles|a fait|ont fait|avait fait"
            "|s'est|s’est|se sont"
        ),
        # inversion after a quotation: "«…», a-t-il lâché", "met-il en perspective"
        extra=(view_of("Pour"),),
        lead=(
            re.compile(
                r"[,\x00]\s*(?:a-t-|ont-|[^\W\d_]+-(?:t-)?)(?P<who>il|elle|ils|elles)(?!\w)"
            ),
        ),
    ),
    pronouns=words("il elle ils elles on je nous vous"),
    refer_back=words("il elle ils elles a-t-il a-t-elle ont-ils ont-elles"),
    not_speakers=words("a ont avait avaient est sont était peu très bien trop si"),
    prepositions=words("à au aux dans en devant lors sur pendant"),
    articles=words("le la l'"),
    adjunct_cut=re.compile(
        r"\s(?:a|ont|avait|avaient)\s|\s(?:sur (?:l|le|la|les|ce|cette|son|sa|ses)\b|lors d|à propos|devant|pendant|en marge"
        r"|au cours|auprès|à l'occasion|à la (?:radio|télévision|presse)|au micro|dans (?:un|une|le|la|les|son|sa)"
        r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd)"
    ),
    adjunct_lead=re.compile(
        r"(?:à cette occasion|ce (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|matin|soir)"
        r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd’hui|aujourd'hui|encore"
        r"|aussi|également|alors|ensuite|enfin)\s+"
    ),
    furniture=(
        (
            "related",
            re.compile(
                r"(?:lire aussi|à lire aussi|lire également|à lire également|voir aussi|à voir aussi|sur le même sujet|pour aller plus loin|les plus lus?|articles? similaires?|en savoir plus|lire la suite)\b.{0,150}",
                re.I,
            ),
        ),
        (
            "promo",
            re.compile(
                r"publicité|abonnez-vous\b.{0,100}|s[’']abonner\b.{0,80}|article réservé aux abonnés.{0,40}|newsletter\b.{0,80}",
                re.I,
            ),
        ),
        ("share", re.compile(r"partager(?: sur)?\b.{0,60}", re.I)),
        (
            "comments",
            re.compile(r"\d+\s+commentaires?|commentaires?(?:\s*\(\d+\))?|réagir\b.{0,40}", re.I),
        ),
        ("byline", agency_line(AGENCIES)),
        (
            "caption",
            re.compile(r"(?:photo|crédit photo|crédits? ?:|illustration)\s*:?.{0,80}", re.I),
        ),
    ),
    dateline=re.compile(
        r"(?P<place>[A-ZÉÈÀÂÎÔÛÇ][\wÉÈÀÂÎÔÛÇéèàâîôûç.'’\-]+(?:[ /][A-ZÉÈÀÂÎÔÛÇ][\wÉÈÀÂÎÔÛÇéèàâîôûç.'’\-]+){0,3})"
        r"(?:,\s*(?P<date>\d{1,2}\s+[a-zéû]{3,10}\.?(?:\s+\d{4})?))?"
        r"\s*\((?P<agency>[A-Za-zÉé .&/-]{2,30})\)\s*(?P<dash>[—–-]+|:)\s*(?=\S)"
    ),
    worth={
        "number": words(
            "deux trois quatre cinq six sept huit neuf dix onze douze vingt trente quarante cinquante cent cents mille million millions milliard milliards douzaine dizaines moitié quart pourcentage"
        ),
        "date": words(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd"
        ),
        "hedge": words(
            "environ presque quelque estimé estimée probablement possiblement pourrait pourraient semble semblerait prétendument présumé présumée"
        ),
        "comparison": words(
            "plus moins supérieur inférieur record comparé doublé triplé hausse baisse augmenté diminué progressé reculé baissé chuté grimpé"
        ),
        "causal": words("parce car causé provoqué entraîné"),
        "opinion": words("devrait devraient honteux ridicule magnifique scandaleux"),
    },
    worth_phrases={
        "date": (
            "la semaine dernière",
            "le mois dernier",
            "l'année dernière",
            "l’année dernière",
            "cette année",
        ),
        "hedge": ("au moins", "plus de", "moins de", "jusqu'à", "jusqu’à"),
        "causal": (
            "à cause de",
            "en raison de",
            "grâce à",
            "a entraîné",
            "a provoqué",
            "à la suite de",
        ),
        "opinion": ("je pense", "je crois", "à mon avis"),
    },
)
