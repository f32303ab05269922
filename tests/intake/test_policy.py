"""Who sees a signature: policy.can_view_signature and the selector agree, for every persona."""

from __future__ import annotations

from intake.selectors import signatures_visible_to
from portal.policy import can_view_signature


def sees(user, signature) -> bool:
    by_policy = can_view_signature(user, signature)
    by_query = signatures_visible_to(user).filter(pk=signature.pk).exists()
    assert by_policy == by_query, f"policy says {by_policy}, selector says {by_query}"
    return by_policy


def test_policy_and_selector_agree_for_every_persona(consent, personas, sign):
    sams = sign(personas.partner, consent)
    jos = sign(personas.other_couple.partner_one, consent)
    expected = {
        "counselor": (True, False),
        "other_counselor": (False, True),
        "admin": (True, True),
        "partner": (True, False),
        "other_partner": (False, False),
    }
    for name, (sees_sams, sees_jos) in expected.items():
        user = getattr(personas, name)
        assert (sees(user, sams), sees(user, jos)) == (sees_sams, sees_jos), name


def test_a_second_counselor_of_the_couple_sees_its_signatures(consent, personas, sign):
    personas.couple.other_counselors.add(personas.other_counselor)
    assert sees(personas.other_counselor, sign(personas.partner, consent))


def test_an_inactive_signer_sees_nothing(consent, partner, sign):
    signature = sign(partner, consent)
    partner.is_active = False
    partner.save()
    assert not sees(partner, signature)


def sees_packet(user, packet) -> bool:
    from intake.selectors import packets_visible_to
    from portal.policy import can_see_intake_packet

    by_policy = can_see_intake_packet(user, packet.couple)
    by_query = packets_visible_to(user).filter(pk=packet.pk).exists()
    assert by_policy == by_query, f"policy says {by_policy}, selector says {by_query}"
    return by_policy


def test_policy_and_selector_agree_on_intake_packets_for_every_persona(default_packet, personas):
    from intake import services

    sams = services.packet_create(actor=personas.counselor, couple=personas.couple)
    jos = services.packet_create(actor=personas.other_counselor, couple=personas.other_couple)
    expected = {
        "counselor": (True, False),
        "other_counselor": (False, True),
        "admin": (True, True),
        "partner": (True, False),
        "other_partner": (True, False),
    }
    for name, (sees_sams, sees_jos) in expected.items():
        user = getattr(personas, name)
        assert (sees_packet(user, sams), sees_packet(user, jos)) == (sees_sams, sees_jos), name
