import { createMongoAbility, subject, type MongoAbility, type RawRuleOf } from '@casl/ability';
import { SPECIAL_CATEGORIES, type DataCategory, type Purpose } from '@shared/domain/vocabulary.js';
import { FIELD_CATEGORIES, fieldsOf, type CaseView } from './fields.js';
import type { PolicyRule, PolicySet } from './policy.js';
import { relationshipsOf, type ActorFacts, type CaseFacts, type Relationship } from './relationships.js';

/** An agreement as the decision sees it (from the agreements module's coverage query). */
export interface AgreementTerms {
  id: string;
  version: number;
  dataCategories: readonly DataCategory[];
  /** Condition text per special category; a special category without one is not covered. */
  specialCategoryConditions: Partial<Record<DataCategory, string>>;
  retentionDays?: number;
}

export interface FieldDecision {
  field: string;
  category: DataCategory;
  allowed: boolean;
  reasons: string[];
}

export type Outcome = 'allow' | 'not_found' | 'forbidden';

export interface ReadDecision {
  outcome: Outcome;
  /** Why the read as a whole was denied, or which relationships it relied on. */
  reasons: string[];
  fields: FieldDecision[];
  released: string[];
  withheld: string[];
  /** The agreement(s) relied on (none when the actor reads its own case). */
  agreements: { id: string; version: number }[];
  relationships: Relationship[];
  /** True when only the emergency relationship allowed the read. */
  breakGlassUsed: boolean;
}

type Ability = MongoAbility<['read', 'CaseView' | ({ __caslSubjectType__?: 'CaseView' } & Record<string, unknown>)]>;
type IdRule = RawRuleOf<Ability> & { id: string };

/**
 * Decides every field of a read. Deny by default: a field leaves only if (a) a policy rule
 * allows it for one of the actor's roles, its organisation kind, the purpose, the view and a
 * relationship that holds, and (b) the actor manages the case, or an active agreement from the
 * managing organisation to the actor's names the field's category (with a condition for
 * special categories). Pure: no I/O, so policy tests and explain run the same code.
 */
export class PolicyEvaluator {
  private readonly abilities = new Map<string, Ability>();

  constructor(readonly policy: PolicySet) {}

  /** Whether any rule lets this kind of organisation and these roles read cases at all. */
  canReadCases(actor: Pick<ActorFacts, 'orgKind' | 'roles'>): boolean {
    return this.rulesFor(actor).length > 0;
  }

  decide(actor: ActorFacts, c: CaseFacts, purpose: Purpose, view: CaseView, coverage: readonly AgreementTerms[]): ReadDecision {
    const base = { fields: [] as FieldDecision[], released: [] as string[], withheld: [] as string[], agreements: [], relationships: [] as Relationship[], breakGlassUsed: false };
    if (!this.canReadCases(actor)) return { ...base, outcome: 'forbidden', reasons: ['no policy rule lets these roles of this kind of organisation read case data'] };
    const rels = relationshipsOf(actor, c);
    if (c.restricted && !rels.has('manages')) return { ...base, outcome: 'not_found', reasons: ['restricted case: visible only to the managing organisation'] };

    const ability = this.abilityFor(actor);
    const rel: Record<string, boolean> = {};
    for (const r of rels) rel[r] = true;
    const attributes: Record<string, unknown> = { purpose, view, rel };
    const subj = subject('CaseView', attributes);
    const own = rels.has('manages');
    const used = new Map<string, { id: string; version: number }>();
    const rulesUsed = new Set<string>();
    const fields: FieldDecision[] = [];
    let policyAllowedAny = false;
    for (const field of fieldsOf(view)) {
      const category = FIELD_CATEGORIES[field].category;
      const rule = ability.relevantRuleFor('read', subj, field);
      if (!rule || rule.inverted) {
        fields.push({ field, category, allowed: false, reasons: ['no policy rule allows this field for this role, purpose and relationship'] });
        continue;
      }
      policyAllowedAny = true;
      const ruleId = (rule.origin as IdRule).id;
      if (own) {
        fields.push({ field, category, allowed: true, reasons: [`rule:${ruleId}`, 'own record of the managing organisation'] });
        rulesUsed.add(ruleId);
        continue;
      }
      const special = SPECIAL_CATEGORIES.includes(category);
      const agreement = coverage.find((a) => a.dataCategories.includes(category) && (!special || !!a.specialCategoryConditions[category]?.trim()));
      if (!agreement) {
        const why = special && coverage.some((a) => a.dataCategories.includes(category)) ? `special category ${category} named without a condition` : `no active agreement covers ${category} for this purpose`;
        fields.push({ field, category, allowed: false, reasons: [`rule:${ruleId}`, why] });
        continue;
      }
      used.set(agreement.id, { id: agreement.id, version: agreement.version });
      rulesUsed.add(ruleId);
      fields.push({ field, category, allowed: true, reasons: [`rule:${ruleId}`, `agreement:${agreement.id}@v${agreement.version}`] });
    }
    const released = fields.filter((f) => f.allowed).map((f) => f.field);
    const withheld = fields.filter((f) => !f.allowed).map((f) => f.field);
    const usedRules = this.policy.rules.filter((r) => rulesUsed.has(r.id));
    const breakGlassUsed = usedRules.length > 0 && usedRules.every((r) => r.relationship === 'break-glass');
    const common = { fields, released, withheld, agreements: [...used.values()], relationships: [...rels], breakGlassUsed };
    if (!policyAllowedAny) {
      return { ...common, released: [], outcome: 'not_found', reasons: [rels.size ? `no policy rule allows purpose ${purpose} through relationship ${[...rels].join(', ')}` : 'no relationship between the caller and this case'] };
    }
    // A relationship and a rule, but no agreement for any field: nothing may leave, so the case is
    // "not found" to this caller, as an unrelated one is. A 403 here would tell it that the person
    // exists (and, through the relationship, that they are MAPPA-managed or in a cohort).
    if (!released.length) return { ...common, outcome: 'not_found', reasons: ['no active agreement covers this sharing'] };
    return { ...common, outcome: 'allow', reasons: [...[...rulesUsed].map((r) => `rule:${r}`), ...[...used.values()].map((a) => `agreement:${a.id}@v${a.version}`), ...(own ? ['own-record'] : [])] };
  }

  private rulesFor(actor: Pick<ActorFacts, 'orgKind' | 'roles'>): PolicyRule[] {
    return this.policy.rules.filter((r) => r.orgKinds.includes(actor.orgKind) && r.roles.some((x) => actor.roles.includes(x)));
  }

  /** Compiles the rules that apply to this kind and these roles into a CASL ability (cached). */
  private abilityFor(actor: Pick<ActorFacts, 'orgKind' | 'roles'>): Ability {
    const key = `${actor.orgKind}|${[...actor.roles].sort().join(',')}`;
    let ability = this.abilities.get(key);
    if (!ability) {
      // CASL lets later rules win. Break-glass rules go first so a field another relationship also
      // allows is credited to that rule, and breakGlassUsed flags only reads that needed the emergency.
      const ordered = this.rulesFor(actor).sort((a, b) => Number(b.relationship === 'break-glass') - Number(a.relationship === 'break-glass'));
      const raw: IdRule[] = ordered.map((r) => ({
        id: r.id,
        action: 'read',
        subject: 'CaseView',
        fields: r.fields,
        conditions: { purpose: { $in: r.purposes }, view: { $in: r.views }, [`rel.${r.relationship}`]: true },
      }));
      ability = createMongoAbility<Ability>(raw as RawRuleOf<Ability>[]);
      this.abilities.set(key, ability);
    }
    return ability;
  }
}
