package dev.picspace;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * The layering of DEVELOPERS.md, kept true: domain depends on nothing of ours (and on no HTTP,
 * SQL or image library); store and imaging implement the domain's ports; gateway speaks HTTP and
 * calls the domain; app wires it all.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.picspace");
    }

    @Test
    void layers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("domain").definedBy("dev.picspace.domain..")
                .layer("store").definedBy("dev.picspace.store..")
                .layer("imaging").definedBy("dev.picspace.imaging..")
                .layer("gateway").definedBy("dev.picspace.gateway..")
                .layer("app").definedBy("dev.picspace.app..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("gateway").mayOnlyBeAccessedByLayers("app")
                .whereLayer("store").mayOnlyBeAccessedByLayers("app")
                .whereLayer("imaging").mayOnlyBeAccessedByLayers("app")
                .whereLayer("domain").mayOnlyBeAccessedByLayers("store", "imaging", "gateway", "app")
                .check(classes);
    }

    @Test
    void domainKnowsNoHttpSqlOrImageLibraries() {
        noClasses().that().resideInAPackage("dev.picspace.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.eclipse.jetty..",
                        "org.jdbi..", "com.zaxxer..", "org.flywaydb..", "javax.imageio..", "java.awt..", "java.net.http..",
                        "com.fasterxml..", "io.micrometer..", "picocli..")
                .check(classes);
    }

    @Test
    void storeAndImagingDoNotSpeakHttp() {
        noClasses().that().resideInAnyPackage("dev.picspace.store..", "dev.picspace.imaging..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "dev.picspace.gateway..")
                .check(classes);
    }

    @Test
    void gatewayHasNoSql() {
        noClasses().that().resideInAPackage("dev.picspace.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.jdbi..", "dev.picspace.store..")
                .check(classes);
    }
}
