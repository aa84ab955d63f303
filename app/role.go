package app

// Role is a user's role in one organization.
type Role string

// Roles, most to least powerful.
const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleMember  Role = "member"
)

// Roles lists every valid role.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleMember}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleOwner, RoleAdmin, RoleManager, RoleMember:
		return true
	}
	return false
}

// Permission is one action a role may take inside an organization.
type Permission string

// Permissions. Anything not granted below is denied.
const (
	PermOrgRead          Permission = "org.read"
	PermOrgManage        Permission = "org.manage"
	PermOrgCreate        Permission = "org.create"
	PermMembersRead      Permission = "members.read"
	PermMembersManage    Permission = "members.manage"
	PermClientsRead      Permission = "clients.read"
	PermClientsManage    Permission = "clients.manage"
	PermProjectsRead     Permission = "projects.read"
	PermProjectsManage   Permission = "projects.manage"
	PermTasksRead        Permission = "tasks.read"
	PermTasksManage      Permission = "tasks.manage"
	PermTagsRead         Permission = "tags.read"
	PermTagsManage       Permission = "tags.manage"
	PermEntriesOwn       Permission = "entries.own"        // read and write one's own entries
	PermEntriesReadAll   Permission = "entries.read_all"   // read everyone's entries
	PermEntriesManageAll Permission = "entries.manage_all" // write everyone's entries
	PermRatesRead        Permission = "rates.read"         // read every rate and budget (members read their own rates)
	PermRatesManage      Permission = "rates.manage"       // set rates and budgets
)

// grants is the deny-by-default permission table. Members read tags too, so they can tag
// their own entries.
var grants = map[Role]map[Permission]bool{
	RoleOwner: set(PermOrgRead, PermOrgManage, PermOrgCreate, PermMembersRead, PermMembersManage,
		PermClientsRead, PermClientsManage, PermProjectsRead, PermProjectsManage, PermTasksRead,
		PermTasksManage, PermTagsRead, PermTagsManage, PermEntriesOwn, PermEntriesReadAll,
		PermEntriesManageAll, PermRatesRead, PermRatesManage),
	RoleAdmin: set(PermOrgRead, PermOrgManage, PermOrgCreate, PermMembersRead, PermMembersManage,
		PermClientsRead, PermClientsManage, PermProjectsRead, PermProjectsManage, PermTasksRead,
		PermTasksManage, PermTagsRead, PermTagsManage, PermEntriesOwn, PermEntriesReadAll,
		PermEntriesManageAll, PermRatesRead, PermRatesManage),
	RoleManager: set(PermOrgRead, PermMembersRead, PermClientsRead, PermClientsManage,
		PermProjectsRead, PermProjectsManage, PermTasksRead, PermTasksManage, PermTagsRead,
		PermTagsManage, PermEntriesOwn, PermEntriesReadAll, PermRatesRead, PermRatesManage),
	RoleMember: set(PermOrgRead, PermProjectsRead, PermTasksRead, PermTagsRead, PermEntriesOwn),
}

func set(ps ...Permission) map[Permission]bool {
	m := make(map[Permission]bool, len(ps))
	for _, p := range ps {
		m[p] = true
	}
	return m
}

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool {
	return grants[r][p]
}
