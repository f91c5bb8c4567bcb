/**
 * Permission bits of a guild role or channel override. A member's permissions in a channel are
 * the OR of their roles' bits, then adjusted by the channel's overrides (see {@link channelPermissions}).
 */
export const Permission = {
  /** Everything, and overrides cannot take it away. */
  Administrator: 1,
  ViewChannel: 2,
  SendMessages: 4,
  ReadHistory: 8,
  AddReactions: 16,
  /** Edit and delete other people's messages. */
  ManageMessages: 32,
  /** Create, edit, delete channels and their overrides. */
  ManageChannels: 64,
  /** Create, edit, delete roles below one's own and assign them. */
  ManageRoles: 128,
  KickMembers: 256,
  CreateInvite: 512,
  /** Change guild settings and topics; list and revoke invites. */
  ManageGuild: 1024,
  MentionEveryone: 2048,
} as const;

/** The name of one permission bit. */
export type PermissionName = keyof typeof Permission;

/** Every bit that exists. */
export const ALL_PERMISSIONS: number = Object.values(Permission).reduce((a, b) => a | b, 0);

/** What a plain member may do: the default `@everyone` role. */
export const DEFAULT_MEMBER_PERMISSIONS: number =
  Permission.ViewChannel | Permission.SendMessages | Permission.ReadHistory | Permission.AddReactions | Permission.CreateInvite;

/** The preset `moderator` role created with every guild. */
export const MODERATOR_PERMISSIONS: number =
  DEFAULT_MEMBER_PERMISSIONS | Permission.ManageMessages | Permission.KickMembers | Permission.MentionEveryone;

/** One channel override: bits granted and bits taken away for a role or a member. */
export interface Override {
  targetType: 'role' | 'member';
  targetId: string;
  allow: number;
  deny: number;
}

/** What {@link channelPermissions} needs to know about a member. */
export interface PermissionInput {
  /** The guild owner has every permission. */
  isOwner: boolean;
  /** The `@everyone` role's id (equal to the guild id) and bits. */
  everyone: { id: string; permissions: number };
  /** The member's other roles. */
  roles: readonly { id: string; permissions: number }[];
  /** The member's user id, for member overrides. */
  memberId: string;
  /** Overrides of the channel, and of its parent channel before them (parents apply first). */
  overrides: readonly Override[];
}

/**
 * A member's guild-level permissions: the OR of `@everyone` and their roles.
 *
 * @param input - owner flag and roles (overrides are ignored)
 * @returns permission bits; all bits for the owner and for administrators
 * @example
 * ```ts
 * guildPermissions({ isOwner: false, everyone: { id: '1', permissions: Permission.ViewChannel }, roles: [], memberId: '2', overrides: [] });
 * ```
 */
export function guildPermissions(input: PermissionInput): number {
  if (input.isOwner) return ALL_PERMISSIONS;
  let bits = input.everyone.permissions;
  for (const r of input.roles) bits |= r.permissions;
  return bits & Permission.Administrator ? ALL_PERMISSIONS : bits & ALL_PERMISSIONS;
}

/**
 * A member's permissions in one channel. Order, as in Discord so that users' intuitions hold:
 * guild bits; then the `@everyone` override; then all role overrides together (denies, then
 * allows, so any allowing role wins); then the member's own override. Owners and
 * administrators are not subject to overrides. Without `ViewChannel` nothing else applies.
 *
 * @param input - owner flag, roles and the channel's overrides
 * @returns permission bits
 * @example
 * ```ts
 * const bits = channelPermissions({ isOwner: false, everyone: { id: 'g', permissions: DEFAULT_MEMBER_PERMISSIONS }, roles: [], memberId: 'u',
 *   overrides: [{ targetType: 'role', targetId: 'g', allow: 0, deny: Permission.SendMessages }] });
 * (bits & Permission.SendMessages) === 0; // true
 * ```
 */
export function channelPermissions(input: PermissionInput): number {
  let bits = guildPermissions(input);
  if (bits === ALL_PERMISSIONS && (input.isOwner || bits & Permission.Administrator)) return ALL_PERMISSIONS;
  const roleIds = new Set(input.roles.map((r) => r.id));
  // Parent overrides come first in the list; a later override of the same target refines it.
  for (const o of input.overrides) {
    if (o.targetType === 'role' && o.targetId === input.everyone.id) bits = (bits & ~o.deny) | o.allow;
  }
  let deny = 0;
  let allow = 0;
  for (const o of input.overrides) {
    if (o.targetType === 'role' && o.targetId !== input.everyone.id && roleIds.has(o.targetId)) {
      deny |= o.deny;
      allow |= o.allow;
    }
  }
  bits = (bits & ~deny) | allow;
  for (const o of input.overrides) {
    if (o.targetType === 'member' && o.targetId === input.memberId) bits = (bits & ~o.deny) | o.allow;
  }
  bits &= ALL_PERMISSIONS;
  return bits & Permission.ViewChannel ? bits : 0;
}

/**
 * Whether `bits` include every bit of `needed`.
 *
 * @param bits - what someone has
 * @param needed - what an action needs
 * @returns true when all needed bits are present
 * @example
 * ```ts
 * has(Permission.ViewChannel | Permission.SendMessages, Permission.SendMessages); // true
 * ```
 */
export function has(bits: number, needed: number): boolean {
  return (bits & needed) === needed;
}

/**
 * The names of the bits that are set, for error messages and clients.
 *
 * @param bits - permission bits
 * @returns names in bit order
 * @example
 * ```ts
 * permissionNames(Permission.SendMessages); // ['SendMessages']
 * ```
 */
export function permissionNames(bits: number): PermissionName[] {
  return (Object.keys(Permission) as PermissionName[]).filter((k) => bits & Permission[k]);
}
