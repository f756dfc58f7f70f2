using Mono.Cecil;

/// <summary>Makes a type and its members public, in place, for use as a compile-time reference only.</summary>
internal static class AssemblyPublicizer
{
    public static void Publicize(TypeDefinition type)
    {
        if (type.IsNested)
        {
            type.IsNestedPublic = true;
        }
        else
        {
            type.IsPublic = true;
        }
        foreach (var method in type.Methods)
        {
            // Explicit interface implementations keep their visibility: public copies would clash with the interface's
            // own member names for the compiler reading this reference.
            if (!method.HasOverrides)
            {
                method.IsPublic = true;
            }
        }
        foreach (var field in type.Fields)
        {
            // A public field beside a same-named event (its compiler-generated backing field) would make the name ambiguous.
            if (!type.Events.Any(e => e.Name == field.Name))
            {
                field.IsPublic = true;
            }
        }
    }
}
