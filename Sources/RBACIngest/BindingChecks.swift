// rolecall — SPDX-License-Identifier: Apache-2.0

import RBACModel

/// Finds bindings that grant less than they seem to. None of these is an error: the API server accepts them all.
enum BindingChecks {
  static func run(_ content: SnapshotContent) -> [Diagnostic] {
    let clusterRoles = Set(content.clusterRoles.map(\.object.name))
    let roles = Set(content.roles.map { $0.object.namespace + "/" + $0.object.name })
    let accounts = Set(content.serviceAccounts.map { $0.object.namespace + "/" + $0.object.name })
    // Without any ServiceAccount objects (e.g. only roles and bindings were exported) "missing" means nothing.
    let checkAccounts = !accounts.isEmpty
    var found: [Diagnostic] = []

    func checkSubjects(_ subjects: [Subject], bindingNamespace: String, label: String, source: ObjectSource) {
      if subjects.isEmpty {
        found.append(Diagnostic(.bindingWithoutSubjects, "\(label) has no subjects and grants nothing", source: source))
      }
      for (i, subject) in subjects.enumerated() where subject.kind == .serviceAccount {
        let ns = subject.namespace.isEmpty ? bindingNamespace : subject.namespace
        if ns.isEmpty {
          found.append(
            Diagnostic(
              .serviceAccountWithoutNamespace,
              "\(label): subjects[\(i)] is ServiceAccount \"\(subject.name)\" without a namespace; in a "
                + "ClusterRoleBinding it matches no one", source: source))
        } else if checkAccounts && !accounts.contains(ns + "/" + subject.name) {
          found.append(
            Diagnostic(
              .missingServiceAccount,
              "\(label): subjects[\(i)] names ServiceAccount \"\(ns)/\(subject.name)\", which is not in the input",
              source: source))
        }
      }
    }

    for item in content.clusterRoleBindings {
      let binding = item.object
      let label = "ClusterRoleBinding \"\(binding.name)\""
      switch binding.roleRef.kind {
      case .role:
        found.append(
          Diagnostic(
            .clusterRoleBindingToRole,
            "\(label) references Role \"\(binding.roleRef.name)\"; a ClusterRoleBinding can only grant a ClusterRole, "
              + "so it grants nothing", source: item.source))
      case .clusterRole where !clusterRoles.contains(binding.roleRef.name):
        found.append(
          Diagnostic(
            .danglingBinding, "\(label) references ClusterRole \"\(binding.roleRef.name)\", which does not exist",
            source: item.source))
      default: break
      }
      checkSubjects(binding.subjects, bindingNamespace: "", label: label, source: item.source)
    }
    for item in content.roleBindings {
      let binding = item.object
      let label = "RoleBinding \"\(binding.namespace)/\(binding.name)\""
      let exists =
        binding.roleRef.kind == .clusterRole
        ? clusterRoles.contains(binding.roleRef.name) : roles.contains(binding.namespace + "/" + binding.roleRef.name)
      if !exists {
        let role =
          binding.roleRef.kind == .clusterRole
          ? "ClusterRole \"\(binding.roleRef.name)\"" : "Role \"\(binding.namespace)/\(binding.roleRef.name)\""
        found.append(Diagnostic(.danglingBinding, "\(label) references \(role), which does not exist", source: item.source))
      }
      checkSubjects(binding.subjects, bindingNamespace: binding.namespace, label: label, source: item.source)
    }
    return found
  }
}
