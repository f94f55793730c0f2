import { fieldsHeld } from './release-preview.js';

describe(fieldsHeld.name, () => {
  it('names the released fields that hold a value, walking dotted names, and needs notes in any need', () => {
    const data = {
      person: { givenName: 'Alex', familyName: 'Example' },
      tier: 'B2',
      mappa: null,
      licenceConditions: [],
      needs: [{ area: 'finance', notes: 'n' }, { area: 'attitudes' }],
      scores: { ogrs3Band: 'HIGH' },
    };
    const released = [
      'person.givenName',
      'person.pncId',
      'tier',
      'mappa.level',
      'licenceConditions',
      'needs',
      'needs.notes',
      'scores.ogrs3Band',
      'sensitive.health',
    ];
    expect(fieldsHeld(data, released)).toEqual([
      'person.givenName',
      'tier',
      'needs',
      'needs.notes',
      'scores.ogrs3Band',
    ]);
    expect(fieldsHeld({ needs: [{ area: 'finance' }] }, ['needs.notes'])).toEqual([]);
  });
});
