package org.haap.deploy.kubernetes;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.kubernetes.client.openapi.JSON;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Validates a Kubernetes object against the API schema of its {@code apiVersion} and
 * {@code kind}, with the models of the official Kubernetes Java client
 * ({@code io.kubernetes:client-java-api}, generated from the Kubernetes OpenAPI schema):
 * every field must be one the schema defines at that place (strict, like kubeconform's
 * {@code -strict}), every required field present, and every value of its field's type.
 */
final class ApiSchema {

    private static final String MODELS = "io.kubernetes.client.openapi.models.";

    private ApiSchema() {
    }

    /**
     * Checks {@code object} (a parsed YAML document).
     *
     * @return null when it is valid, else why not
     */
    static String problem(Map<String, Object> object) {
        Object apiVersion = object.get("apiVersion");
        Object kind = object.get("kind");
        if (!(apiVersion instanceof String v) || !(kind instanceof String k)) {
            return "apiVersion and kind must be strings: " + apiVersion + ", " + kind;
        }
        String version = v.substring(v.indexOf('/') + 1);
        String className = MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + k;
        Class<?> model;
        try {
            model = Class.forName(className);
        } catch (ClassNotFoundException e) {
            return "no API schema for " + v + " " + k + " (" + className + ")";
        }
        JsonElement json = new Gson().toJsonTree(object);
        try {
            Method validate = model.getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, json);
            // the value types (integers, quantities, int-or-string) are checked by reading it
            JSON.getGson().fromJson(json, model);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause().getMessage();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className + " has no validateJsonElement", e);
        }
    }
}
